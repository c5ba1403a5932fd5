package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.CurveCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen and the CURVE flags of broker, worker, client and mmi, driven through picocli over loopback TCP. */
class SecurityCommandsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void keygenWritesLoadableZcertFilesAndRefusesToOverwrite() throws Exception {
        Path secret = dir.resolve("broker");
        CliRun keygen = new CliRun();
        assertEquals(0, keygen.execute("keygen", secret.toString()), keygen.err.toString());
        CurveCertificate written = CurveCertificate.readSecret(secret);
        assertEquals(written.publicKeyZ85() + System.lineSeparator(), keygen.out.toString());
        assertEquals(written.publicKeyZ85(), CurveCertificate.readPublic(dir.resolve("broker.pub")).publicKeyZ85());
        assertTrue(Files.readString(dir.resolve("broker.pub")).contains("public-key = \""));

        CliRun again = new CliRun();
        assertEquals(2, again.execute("keygen", secret.toString()));
        assertTrue(again.err.toString().contains("refusing to overwrite"), again.err.toString());
        assertEquals(written, CurveCertificate.readSecret(secret));

        CliRun forced = new CliRun();
        assertEquals(0, forced.execute("keygen", "--force", secret.toString()), forced.err.toString());
        assertTrue(!written.equals(CurveCertificate.readSecret(secret)), "--force wrote a new pair");
    }

    @Test
    void limitFlagsAreValidated() {
        CliRun frames = new CliRun();
        assertEquals(2, frames.execute("broker", "--bind", "tcp://127.0.0.1:*", "--max-frames", "2"));
        assertTrue(frames.err.toString().contains("error: --max-frames must be >= 5, was 2"), frames.err.toString());
        CliRun hwm = new CliRun();
        assertEquals(2, hwm.execute("broker", "--bind", "tcp://127.0.0.1:*", "--hwm", "0"));
        assertTrue(hwm.err.toString().contains("error: --hwm must be > 0, was 0"), hwm.err.toString());
        CliRun services = new CliRun();
        assertEquals(2, services.execute("broker", "--bind", "tcp://127.0.0.1:*", "--max-services", "0"));
        assertTrue(services.err.toString().contains("error: --max-services must be > 0, was 0"),
                services.err.toString());
    }

    @Test
    void curveBrokerServesKeyedWorkerAndClientsOnly() throws Exception {
        Path allow = Files.createDirectory(dir.resolve("allow"));
        for (String name : new String[] {"broker", "worker", "client", "stranger"}) {
            assertEquals(0, new CliRun().execute("keygen", dir.resolve(name).toString()));
        }
        Files.copy(dir.resolve("worker.pub"), allow.resolve("worker.pub"));
        Files.copy(dir.resolve("client.pub"), allow.resolve("client.pub"));
        String endpoint = BstarCli.freeEndpoint();
        String serverKey = dir.resolve("broker.pub").toString();

        CliRun brokerRun = new CliRun();
        Future<Integer> brokerExit = executor.submit(() -> brokerRun.execute("broker", "--bind", endpoint,
                "--heartbeat-ms", "100", "--liveness", "20",
                "--curve-key-file", dir.resolve("broker").toString(), "--curve-allow", allow.toString()));
        BrokerCommand broker = brokerRun.command("broker", BrokerCommand.class);
        assertTrue(broker.lifetime.awaitStarted(DEADLINE), "broker did not start: " + brokerRun.err);
        CliRun workerRun = new CliRun();
        Future<Integer> workerExit = executor.submit(() -> workerRun.execute("worker", "--connect", endpoint,
                "--heartbeat-ms", "100", "--liveness", "20",
                "--curve-server-key", serverKey, "--curve-key-file", dir.resolve("worker").toString()));
        assertTrue(workerRun.command("worker", WorkerCommand.class).lifetime.awaitStarted(DEADLINE));

        CliRun client = new CliRun();
        assertEquals(0, client.execute("client", "--connect", endpoint, "--timeout-ms", "10000", "--curve-server-key",
                serverKey, "--curve-key-file", dir.resolve("client").toString(), "hello"), client.err.toString());
        assertEquals("hello" + System.lineSeparator(), client.out.toString());
        CliRun mmi = new CliRun();
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "--curve-server-key", serverKey,
                "--curve-key-file", dir.resolve("client").toString(), "echo"), mmi.err.toString());
        assertEquals("200" + System.lineSeparator(), mmi.out.toString());

        CliRun stranger = new CliRun();
        assertEquals(ClientCommand.EXIT_NO_REPLY, stranger.execute("client", "--connect", endpoint, "--timeout-ms",
                "300", "--retries", "1", "--curve-server-key", serverKey, "--curve-key-file",
                dir.resolve("stranger").toString(), "hello"));
        CliRun plain = new CliRun();
        assertEquals(ClientCommand.EXIT_NO_REPLY, plain.execute("client", "--connect", endpoint, "--timeout-ms",
                "300", "--retries", "1", "hello"));

        CliRun half = new CliRun();
        assertEquals(2, half.execute("client", "--connect", endpoint, "--curve-server-key", serverKey, "x"));
        assertTrue(half.err.toString().contains("--curve-server-key and --curve-key-file go together"));
        CliRun missing = new CliRun();
        assertEquals(2, missing.execute("broker", "--bind", "tcp://127.0.0.1:*", "--curve-secret-key-file",
                dir.resolve("nope").toString(), "--curve-allow", allow.toString()));
        assertTrue(missing.err.toString().contains("cannot read CURVE certificate " + dir.resolve("nope")),
                missing.err.toString());

        workerRun.command("worker", WorkerCommand.class).lifetime.stop();
        assertEquals(0, workerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), workerRun.err.toString());
        broker.lifetime.stop();
        assertEquals(0, brokerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), brokerRun.err.toString());
    }
}
