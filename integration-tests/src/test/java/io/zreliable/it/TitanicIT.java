package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.RetryPolicy;
import io.zreliable.titanic.TitanicClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zreliable broker --titanic} as a real process of the packaged jar, killed with SIGKILL after acknowledging
 * requests and started again on the same store: every acknowledged request is delivered to the echo worker (a
 * process too) and answered; ticlient works against it; SIGTERM stops it cleanly.
 */
class TitanicIT {
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static String awaitReply(TitanicClient client, String uuid) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Optional<List<byte[]>> reply = client.poll(uuid);
            if (reply.isPresent()) {
                return new String(reply.get().get(0), StandardCharsets.UTF_8);
            }
            assertTrue(System.nanoTime() - end < 0, "no reply for " + uuid);
            LockSupport.parkNanos(50_000_000L); // polling interval
        }
    }

    @Test
    void acknowledgedRequestsSurviveASigkilledBrokerWithTitanic() throws Exception {
        Path jar = Path.of(System.getProperty("zreliable.jar"));
        String endpoint = LoopbackPorts.freeEndpoint();
        String store = dir.resolve("store").toString();
        String[] broker = {"broker", "--bind", endpoint, "--titanic", "--store", store, "--heartbeat-ms", "200"};
        List<String> acked = new ArrayList<>();
        try (TitanicClient client = new TitanicClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(1_000).attempts(60).build())) {
            try (ZReliableDaemon first = ZReliableDaemon.start(jar, broker)) {
                first.awaitOutput("Titanic ready on", STARTUP);
                for (int i = 0; i < 20; i++) {
                    acked.add(client.submit("echo", List.of(("req-" + i).getBytes(StandardCharsets.UTF_8))));
                }
                first.kill(); // SIGKILL: broker and Titanic die together, with 20 requests acknowledged
            }
            try (ZReliableDaemon second = ZReliableDaemon.start(jar, broker);
                 ZReliableDaemon worker = ZReliableDaemon.start(jar, "worker", "--connect", endpoint,
                         "--service", "echo", "--heartbeat-ms", "200")) {
                second.awaitOutput("Titanic ready on", STARTUP);
                assertTrue(second.output().contains("resumes dispatch of 20 pending requests"), second.output());
                for (int i = 0; i < acked.size(); i++) {
                    assertEquals("req-" + i, awaitReply(client, acked.get(i)));
                    client.close(acked.get(i));
                }

                ProcessResult cli = ZReliableProcess.run(jar, "ticlient", "--connect", endpoint, "--service", "echo",
                        "via the cli");
                assertEquals(0, cli.exitCode(), cli.output());
                assertTrue(cli.output().endsWith("via the cli\n"), cli.output());

                assertEquals(0, second.terminate(Duration.ofSeconds(30)), "a clean stop on SIGTERM exits 0");
                assertTrue(second.output().contains("broker and titanic stopped"), second.output());
            }
        }
    }
}
