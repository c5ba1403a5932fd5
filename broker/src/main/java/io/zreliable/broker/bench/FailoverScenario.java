package io.zreliable.broker.bench;

import io.zreliable.binarystar.BinaryStarClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Binary Star failover time: an echo pair in two child processes, a client sending requests back to back, the
 * active process killed with kill -9; the time from the last reply of the old active to the first reply of the new
 * one, as {@link BinaryStarClient#lastFailover()} measures it, over several repetitions.
 */
final class FailoverScenario {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int REQUESTS_BEFORE_KILL = 20;

    private FailoverScenario() {
    }

    static void measure(int repetitions, long heartbeatMillis, BenchReport report) throws Exception {
        long[] outages = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            outages[i] = measureOnce(heartbeatMillis);
        }
        Arrays.sort(outages);
        report.add(new BenchRow("failover").param("heartbeat_ms", heartbeatMillis).param("repetitions", repetitions)
                .metric("median_ms", median(outages)).metric("min_ms", outages[0])
                .metric("max_ms", outages[outages.length - 1])
                .metric("heartbeats", median(outages) / heartbeatMillis));
    }

    private static long measureOnce(long heartbeatMillis) throws Exception {
        int[] ports = freePorts(4);
        String primaryEndpoint = "tcp://127.0.0.1:" + ports[0];
        String backupEndpoint = "tcp://127.0.0.1:" + ports[1];
        String primaryState = "tcp://127.0.0.1:" + ports[2];
        String backupState = "tcp://127.0.0.1:" + ports[3];
        String heartbeat = Long.toString(heartbeatMillis);
        try (ZReliableChild primary = ZReliableChild.start("primary", "bstar-echo", "--role", "primary",
                        "--bind", primaryEndpoint, "--local", primaryState, "--peer", backupState,
                        "--pair-heartbeat-ms", heartbeat);
                ZReliableChild backup = ZReliableChild.start("backup", "bstar-echo", "--role", "backup",
                        "--bind", backupEndpoint, "--local", backupState, "--peer", primaryState,
                        "--pair-heartbeat-ms", heartbeat);
                BinaryStarClient client = BinaryStarClient.builder().primary(primaryEndpoint).backup(backupEndpoint)
                        .retryPolicy(BinaryStarClient.policyFor(Duration.ofMillis(heartbeatMillis))).build()) {
            // The backup turns passive once it has heard an active primary: only then can it take over.
            backup.awaitLine("passive", START_TIMEOUT);
            for (int i = 0; i < REQUESTS_BEFORE_KILL; i++) {
                expectEcho(client, "before-" + i);
            }
            if (!client.currentEndpoint().equals(primaryEndpoint)) {
                throw new IllegalStateException("the primary should be answering, but " + client.currentEndpoint()
                        + " is");
            }
            primary.kill();
            int sent = 0;
            while (client.failovers() == 0) {
                expectEcho(client, "after-" + sent++);
            }
            return client.lastFailover().orElseThrow().toMillis();
        }
    }

    private static void expectEcho(BinaryStarClient client, String body) {
        String reply = client.request(body);
        if (!body.equals(reply)) {
            throw new IllegalStateException("asked for an echo of '" + body + "', got '" + reply + "'");
        }
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static double median(long[] sorted) {
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
