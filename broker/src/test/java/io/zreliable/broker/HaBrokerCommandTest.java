package io.zreliable.broker;

import static io.zreliable.broker.BstarCli.freeEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code zreliable broker --ha ...} as a pair, with the worker and client commands given both endpoints. */
class HaBrokerCommandTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private Future<Integer> start(CliRun run, String... args) {
        return executor.submit(() -> run.execute(args));
    }

    private static String[] haBroker(String role, String bind, String local, String peer) {
        return new String[] {"broker", "--ha", role, "--bind", bind, "--ha-local", local, "--ha-peer", peer,
            "--pair-heartbeat-ms", "100", "--heartbeat-ms", "100", "--liveness", "20"};
    }

    @Test
    void theBackupTakesOverWhenThePrimaryStopsAndTheCommandsFollow() throws Exception {
        String primaryBind = freeEndpoint();
        String backupBind = freeEndpoint();
        String primaryState = freeEndpoint();
        String backupState = freeEndpoint();
        CliRun primaryRun = new CliRun();
        CliRun backupRun = new CliRun();
        Future<Integer> primaryExit = start(primaryRun, haBroker("primary", primaryBind, primaryState, backupState));
        Future<Integer> backupExit = start(backupRun, haBroker("backup", backupBind, backupState, primaryState));
        BrokerCommand primary = primaryRun.command("broker", BrokerCommand.class);
        BrokerCommand backup = backupRun.command("broker", BrokerCommand.class);
        assertTrue(primary.lifetime.awaitStarted(DEADLINE), "primary did not start: " + primaryRun.err);
        assertTrue(backup.lifetime.awaitStarted(DEADLINE), "backup did not start: " + backupRun.err);

        CliRun workerRun = new CliRun();
        Future<Integer> workerExit = start(workerRun, "worker", "--connect", primaryBind, "--connect", backupBind,
                "--service", "echo", "--heartbeat-ms", "100", "--liveness", "20");
        WorkerCommand worker = workerRun.command("worker", WorkerCommand.class);
        assertTrue(worker.lifetime.awaitStarted(DEADLINE), "worker did not start: " + workerRun.err);

        CliRun before = new CliRun();
        assertEquals(0, before.execute("client", "--connect", primaryBind, "--connect", backupBind, "--service",
                "echo", "--timeout-ms", "1000", "--retries", "20", "--count", "2", "before"), before.err.toString());
        assertEquals("before%nbefore%n".formatted(), before.out.toString());

        primary.lifetime.stop();
        assertEquals(0, primaryExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), primaryRun.err.toString());

        CliRun after = new CliRun();
        assertEquals(0, after.execute("client", "--connect", primaryBind, "--connect", backupBind, "--service",
                "echo", "--timeout-ms", "1000", "--retries", "20", "--count", "2", "after"), after.err.toString());
        assertEquals("after%nafter%n".formatted(), after.out.toString());

        worker.lifetime.stop();
        assertEquals(0, workerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), workerRun.err.toString());
        backup.lifetime.stop();
        assertEquals(0, backupExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), backupRun.err.toString());
    }

    @Test
    void twoPrimariesExitOneWithTheReason() throws Exception {
        BstarCli.assertBothPrimaryExitFatal((local, peer) -> haBroker("primary", freeEndpoint(), local, peer));
    }

    @Test
    void haFlagsAreCheckedWithClearMessages() {
        CliRun noHa = new CliRun();
        assertEquals(2, noHa.execute("broker", "--bind", freeEndpoint(), "--ha-local", freeEndpoint()));
        assertTrue(noHa.err.toString().contains("error: --ha-local and --ha-peer need --ha"), noHa.err.toString());

        CliRun noPeer = new CliRun();
        assertEquals(2, noPeer.execute("broker", "--ha", "primary", "--bind", freeEndpoint()));
        assertTrue(noPeer.err.toString().contains("error: --ha needs --ha-local and --ha-peer"),
                noPeer.err.toString());

        CliRun badRole = new CliRun();
        assertEquals(2, badRole.execute(haBroker("leader", freeEndpoint(), freeEndpoint(), freeEndpoint())));
        assertTrue(badRole.err.toString().contains("error: binary star role must be primary or backup, was leader"),
                badRole.err.toString());

        CliRun wildcard = new CliRun();
        assertEquals(2, wildcard.execute(haBroker("backup", "tcp://127.0.0.1:*", freeEndpoint(), freeEndpoint())));
        assertTrue(wildcard.err.toString().contains("needs a fixed port"), wildcard.err.toString());
    }

    @Test
    void anEndpointInUseIsAnErrorNotAStackTrace() throws Exception {
        String bind = freeEndpoint();
        String state = freeEndpoint();
        String peer = freeEndpoint();
        CliRun holder = new CliRun();
        Future<Integer> holderExit = start(holder, haBroker("primary", bind, state, peer));
        BrokerCommand held = holder.command("broker", BrokerCommand.class);
        assertTrue(held.lifetime.awaitStarted(DEADLINE), holder.err.toString());

        CliRun clash = new CliRun();
        assertEquals(BrokerCommand.EXIT_BIND, clash.execute(haBroker("backup", bind, freeEndpoint(), state)));
        assertTrue(clash.err.toString().contains("error: cannot bind broker endpoint " + bind), clash.err.toString());

        CliRun stateClash = new CliRun();
        assertEquals(BrokerCommand.EXIT_BIND, stateClash.execute(haBroker("backup", freeEndpoint(), state, peer)));
        assertTrue(stateClash.err.toString().contains("error: cannot bind binary star state endpoint " + state),
                stateClash.err.toString());

        held.lifetime.stop();
        assertEquals(0, holderExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), holder.err.toString());
    }
}
