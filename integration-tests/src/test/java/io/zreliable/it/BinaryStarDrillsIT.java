package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover drills of Binary Star (20/BSTAR) with real processes in containers: the HA Majordomo broker pair
 * ({@code zreliable broker --ha}) with echo workers and Majordomo clients that know both brokers, and the Binary Star
 * echo pair ({@code zreliable bstar-echo}) with {@code BinaryStarClient}s, whose answers are recorded with the server
 * that gave each.
 */
@ExtendWith(DockerGate.class)
@TestMethodOrder(MethodOrderer.MethodName.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BinaryStarDrillsIT {
    /** The pair's state heartbeat: the passive server may take over after two silent ones. */
    private static final long HEARTBEAT_MS = 400;
    /** BinaryStarClient's own policy for that heartbeat (3 heartbeats per attempt), with more attempts. */
    private static final RetryPolicy POLICY =
            RetryPolicy.builder().timeoutMillis(3 * HEARTBEAT_MS).attempts(20).build();
    private static final Duration PACE = Duration.ofMillis(10);
    private static final int STEADY = 100;

    @Test
    void drill4aHaBrokerPrimaryKill9ClientsAndWorkersFailOver() {
        try (MajordomoCluster pair = MajordomoCluster.haPair(300, 4, HEARTBEAT_MS)) {
            ZReliableContainer primary = pair.startHaBroker(true);
            ZReliableContainer backup = pair.startHaBroker(false);
            primary.awaitLog(MajordomoCluster.HA_ACTIVE, 1, Drills.PATIENCE);
            backup.awaitLog(MajordomoCluster.HA_PASSIVE, 1, Drills.PATIENCE);
            pair.startWorker("worker-1");
            pair.startWorker("worker-2");
            pair.awaitWorkers(2, Drills.PATIENCE);

            DrillLoad load = DrillLoad.echo("ha-broker-kill");
            long fault;
            try (ClientLoad clients = MajordomoDrillsIT.clients(pair.endpoints(), load, POLICY)) {
                clients.awaitAnsweredSince(0, STEADY, Drills.PATIENCE);

                fault = System.nanoTime();
                assertEquals(137, primary.kill(), "kill -9 exit code");
                // A client's vote (a request after two silent heartbeats) makes the backup active; the workers,
                // missing their broker's heartbeats, move to their next endpoint and register there.
                backup.awaitLog(MajordomoCluster.HA_ACTIVE, 1, Drills.PATIENCE);
                pair.awaitWorkers(2, Drills.PATIENCE);
                clients.awaitAnsweredSince(fault, STEADY, Drills.PATIENCE);

                primary.restart();
                primary.awaitLog(MajordomoCluster.HA_PASSIVE, 1, Drills.PATIENCE);
                long back = System.nanoTime();
                clients.awaitAnsweredSince(back, STEADY, Drills.PATIENCE);
                pair.awaitWorkers(2, Drills.PATIENCE);
                clients.stop();
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.outageMillis(fault);
            DrillReport.shared().add(DrillReport.Row.of("4 HA broker primary kill -9", s, outage,
                    "broker --ha pair, 2 workers, 2 sync + 1 async clients knowing both; backup took over, workers "
                            + "re-registered there, old primary restarted passive; 2 x heartbeat = "
                            + 2 * HEARTBEAT_MS + " ms, client attempt timeout " + POLICY.timeoutMillis() + " ms"));

            DrillAssertions.assertAllAnswered(s);
            assertEquals(1, count(primary.logs(), MajordomoCluster.HA_ACTIVE), "the primary was active only once");
            assertTrue(outage >= 0);
        }
    }

    @Test
    void drill4bEchoPairPrimaryKill9BackupTakesOverOldPrimaryReturnsPassive() {
        try (BinaryStarPair pair = new BinaryStarPair(HEARTBEAT_MS).start()) {
            DrillLoad load = DrillLoad.echo("bstar-kill");
            long fault;
            try (ClientLoad clients = new ClientLoad(load, POLICY, PACE).syncClients(3, pair.clients(POLICY))
                    .start()) {
                clients.awaitAnsweredSince(0, STEADY, Drills.PATIENCE);

                fault = System.nanoTime();
                assertEquals(137, pair.primary().kill(), "kill -9 exit code");
                long dead = System.nanoTime(); // the process is gone: no answer from it can come after this
                pair.backup().awaitLog(BinaryStarPair.ACTIVE, 1, Drills.PATIENCE);
                clients.awaitAnsweredSince(fault, STEADY, Drills.PATIENCE);

                // The old primary comes back on the same ports and, hearing an active backup, stands by.
                pair.primary().restart();
                pair.primary().awaitLog(BinaryStarPair.PASSIVE, 1, Drills.PATIENCE);
                long back = System.nanoTime();
                clients.awaitAnsweredSince(back, STEADY, Drills.PATIENCE);
                clients.stop();
                assertEquals(0, pair.answersFrom(pair.primaryEndpoint(), dead),
                        "the primary answered after it was killed or while it was passive");
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.outageMillis(fault);
            DrillReport.shared().add(DrillReport.Row.of("4b Binary Star echo pair primary kill -9", s, outage,
                    "3 BinaryStarClients; backup took over, old primary restarted passive; 2 x heartbeat = "
                            + 2 * HEARTBEAT_MS + " ms, client attempt timeout " + POLICY.timeoutMillis() + " ms"));

            DrillAssertions.assertAllAnswered(s);
            assertEquals(1, count(pair.primary().logs(), BinaryStarPair.ACTIVE), "the primary was active only once");
            assertTrue(outage >= 0);
        }
    }

    @Test
    void drill5PrimaryFrozenThenResumedNeverTwoServersAnswer() {
        try (BinaryStarPair pair = new BinaryStarPair(HEARTBEAT_MS).start()) {
            DrillLoad load = DrillLoad.echo("bstar-pause");
            long fault;
            int primaryExit;
            int backupExit;
            long bothDown;
            try (ClientLoad clients = new ClientLoad(load, POLICY, PACE).syncClients(3, pair.clients(POLICY))
                    .start()) {
                clients.awaitAnsweredSince(0, STEADY, Drills.PATIENCE);

                fault = System.nanoTime();
                pair.primary().pause();
                pair.backup().awaitLog(BinaryStarPair.ACTIVE, 1, Drills.PATIENCE);
                clients.awaitAnsweredSince(fault, STEADY, Drills.PATIENCE);

                pair.primary().unpause();
                // The resumed primary still thinks itself active and hears an active backup: dual active is fatal
                // in Binary Star (as in the Guide's bstar), and both servers stop rather than serve side by side.
                Drills.await(Drills.PATIENCE, () -> "both servers stop on dual active",
                        () -> !pair.primary().isRunning() && !pair.backup().isRunning());
                primaryExit = pair.primary().exitCode();
                backupExit = pair.backup().exitCode();
                bothDown = System.nanoTime(); // no answer from either server can come between this and the restart

                // An operator restarts the pair; the clients, still retrying, carry on.
                pair.primary().restart();
                pair.backup().restart();
                pair.primary().awaitLog(BinaryStarPair.ACTIVE, 2, Drills.PATIENCE);
                long restarted = System.nanoTime();
                clients.awaitAnsweredSince(restarted, STEADY, Drills.PATIENCE);
                clients.stop();
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.outageMillis(fault, bothDown);
            long interleaved = pair.primaryAnswersAfterBackupsFirst(bothDown);
            long fromPrimary = pair.answersFrom(pair.primaryEndpoint(), fault, bothDown);
            long fromBackup = pair.answersFrom(pair.backupEndpoint(), fault, bothDown);
            long downtime = load.outageMillis(bothDown);
            DrillReport.shared().add(DrillReport.Row.of("5 Binary Star primary frozen, resumed", s, outage,
                    "after the freeze: " + fromPrimary + " answers by the primary, " + fromBackup + " by the backup, "
                            + interleaved + " by the primary after the backup's first (split brain); on resume both "
                            + "servers stopped on dual active (exit " + primaryExit + "/" + backupExit + "), "
                            + "restarted: " + downtime + " ms without service; outage = freeze to takeover"));

            DrillAssertions.assertClean(s);
            assertEquals(0, interleaved, "split brain: the primary answered after the backup had taken over");
            assertEquals(1, primaryExit, "fatal pair error exit code; log:\n" + pair.primary().logs());
            assertEquals(1, backupExit, "fatal pair error exit code; log:\n" + pair.backup().logs());
            assertTrue(pair.primary().logs().contains("split brain"), pair.primary().logs());
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
