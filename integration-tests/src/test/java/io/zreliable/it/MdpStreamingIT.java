package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zreliable.common.LoopbackPorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * MDP/0.2 with the packaged jar: a broker process, a {@code worker --mdp 0.2 --parts 3} process, and {@code client}
 * processes of every dialect. The streaming worker is SIGKILLed and replaced; the broker keeps serving.
 */
class MdpStreamingIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @Test
    void clientsOfEveryDialectGetAStreamingWorkersPartsAcrossAWorkerKill() throws Exception {
        Path jar = Path.of(System.getProperty("zreliable.jar"));
        String endpoint = LoopbackPorts.freeEndpoint();
        String[] worker = {"worker", "--connect", endpoint, "--service", "stream", "--mdp", "0.2", "--parts", "3",
            "--heartbeat-ms", "200"};
        try (ZReliableDaemon broker = ZReliableDaemon.start(jar, "broker", "--bind", endpoint, "--heartbeat-ms",
                "200")) {
            broker.awaitOutput("majordomo broker ready on", STARTUP);
            try (ZReliableDaemon first = ZReliableDaemon.start(jar, worker)) {
                first.awaitOutput("echo worker for service 'stream'", STARTUP);
                assertStreams(jar, endpoint);
                first.kill();
            }
            try (ZReliableDaemon second = ZReliableDaemon.start(jar, worker)) {
                second.awaitOutput("echo worker for service 'stream'", STARTUP);
                // The broker may still hold the dead worker for its expiry: the clients' retries get past it.
                assertStreams(jar, endpoint);
                assertEquals(0, second.terminate(Duration.ofSeconds(30)), "SIGTERM stops the worker cleanly");
            }
            assertEquals(0, broker.terminate(Duration.ofSeconds(30)), "SIGTERM stops the broker cleanly");
        }
    }

    private static void assertStreams(Path jar, String endpoint) throws Exception {
        for (String mdp : new String[] {"0.2", "0.2-majortomo"}) {
            ProcessResult parts = ZReliableProcess.run(jar, "client", "--connect", endpoint, "--service", "stream",
                    "--mdp", mdp, "--timeout-ms", "3000", "--retries", "5", "hello");
            assertEquals(0, parts.exitCode(), parts.output());
            assertEquals("hello\nhello\nhello\n", parts.output(), mdp);
        }
        ProcessResult joined = ZReliableProcess.run(jar, "client", "--connect", endpoint, "--service", "stream",
                "--timeout-ms", "3000", "--retries", "5", "hi");
        assertEquals(0, joined.exitCode(), joined.output());
        assertEquals("hi hi hi\n", joined.output(), "an MDP/0.1 client gets the parts joined");
    }
}
