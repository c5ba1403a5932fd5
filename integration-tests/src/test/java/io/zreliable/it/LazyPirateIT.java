package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.RetryPolicy;
import io.zreliable.lazypirate.LazyPirateClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Paranoid Pirate queue and workers as real processes of the packaged jar: a worker killed with SIGKILL
 * mid-stream costs the client nothing but retries, and SIGTERM stops the queue and the worker cleanly.
 */
class LazyPirateIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void clientSurvivesAKilledWorkerAndSigtermStopsTheQueueAndWorkerCleanly() throws Exception {
        Path jar = Path.of(System.getProperty("zreliable.jar"));
        String frontend = LoopbackPorts.freeEndpoint();
        String backend = LoopbackPorts.freeEndpoint();
        String[] heartbeat = {"--heartbeat-ms", "200", "--liveness", "5"};
        try (ZReliableDaemon queue = ZReliableDaemon.start(jar, "ppqueue", "--frontend", frontend, "--backend",
                     backend, heartbeat[0], heartbeat[1], heartbeat[2], heartbeat[3]);
             ZReliableDaemon doomed = ZReliableDaemon.start(jar, "ppworker", "--connect", backend,
                     heartbeat[0], heartbeat[1], heartbeat[2], heartbeat[3]);
             ZReliableDaemon survivor = ZReliableDaemon.start(jar, "ppworker", "--connect", backend,
                     heartbeat[0], heartbeat[1], heartbeat[2], heartbeat[3]);
             LazyPirateClient client = LazyPirateClient.builder().endpoints(frontend)
                     .retryPolicy(RetryPolicy.builder().timeoutMillis(2000).attempts(15).build()).build()) {
            queue.awaitOutput("ppqueue ready on " + frontend, STARTUP);
            doomed.awaitOutput("ppworker connected to " + backend, STARTUP);
            survivor.awaitOutput("ppworker connected to " + backend, STARTUP);

            int count = 200;
            for (int i = 0; i < count; i++) {
                if (i == 50) {
                    doomed.kill();
                }
                assertEquals("req-" + i, client.request("req-" + i), "the echo worker's reply to request " + i);
            }

            ProcessResult cli = ZReliableProcess.run(jar, "lpclient", "--connect", frontend, "--count", "2", "hi");
            assertEquals(0, cli.exitCode(), cli.output());
            assertTrue(cli.output().endsWith("hi\nhi\n"), cli.output());

            assertEquals(0, survivor.terminate(Duration.ofSeconds(30)), "a clean stop on SIGTERM exits 0");
            assertTrue(survivor.output().contains("ppworker stopped"), survivor.output());
            assertEquals(0, queue.terminate(Duration.ofSeconds(30)), "a clean stop on SIGTERM exits 0");
            assertTrue(queue.output().contains("ppqueue stopped"), queue.output());
        }
    }
}
