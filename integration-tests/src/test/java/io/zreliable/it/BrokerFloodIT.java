package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.LoopbackPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A flood far beyond the broker's byte bound, against the packaged jar in a JVM with a 96 MiB heap: the broker
 * queues up to {@code --max-queue-bytes}, drops the rest, counts every drop by reason (answered over
 * {@code mmi.drops}), says so at WARN, keeps serving, and its live heap stays under {@link #LIVE_HEAP_BOUND}.
 */
class BrokerFloodIT {
    private static final long QUEUE_BYTES = 16L * 1024 * 1024;
    /** The queue bound plus 24 MiB for everything else the broker holds (classes, sockets, buffers). */
    static final long LIVE_HEAP_BOUND = QUEUE_BYTES + 24L * 1024 * 1024;
    private static final int REQUESTS = 12_000;
    private static final int BODY_BYTES = 4096;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Path jar = Path.of(System.getProperty("zreliable.jar"));

    @Test
    void aFloodBeyondTheByteBoundIsDroppedCountedAndReportedWithinABoundedHeap() throws Exception {
        String endpoint = LoopbackPorts.freeEndpoint();
        try (ZReliableDaemon broker = ZReliableDaemon.startWithJvmOptions(jar,
                List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"),
                "broker", "--bind", endpoint, "--max-queue-bytes", Long.toString(QUEUE_BYTES));
             ZContext context = new ZContext()) {
            broker.awaitOutput("majordomo broker ready on", DEADLINE);
            ZMQ.Socket flooder = context.createSocket(SocketType.DEALER);
            flooder.connect(endpoint);
            String body = "x".repeat(BODY_BYTES);
            for (int i = 0; i < REQUESTS; i++) {
                request("nobody", body).send(flooder);   // a service without workers: everything queues
            }
            ZMQ.Socket admin = context.createSocket(SocketType.DEALER);
            admin.setReceiveTimeOut(5_000);
            admin.connect(endpoint);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            long counted;
            long queued;
            do {
                assertTrue(System.nanoTime() < deadline, "the flood was never all read:\n" + broker.output());
                counted = Long.parseLong(mmi(admin, "mmi.drops", "queue bytes full"));
                queued = Long.parseLong(mmi(admin, "mmi.queue", "nobody"));
            } while (counted + queued < REQUESTS);
            assertEquals(REQUESTS, counted + queued, "every request is queued or counted");
            long perRequest = BODY_BYTES + 256;
            assertTrue(queued * perRequest <= QUEUE_BYTES, queued + " queued");
            assertTrue(queued > QUEUE_BYTES / perRequest / 2, queued + " queued: the bound is used, not undercut");
            assertTrue(mmi(admin, "mmi.drops", "").contains("queue bytes full=" + counted));
            broker.awaitOutput("majordomo broker dropped", DEADLINE);
            assertTrue(broker.isAlive());

            long live = liveHeapBytes(broker.pid());
            System.out.printf("broker flood: %d queued, %d dropped, live heap %d KiB (bound %d KiB)%n",
                    queued, counted, live / 1024, LIVE_HEAP_BOUND / 1024);
            assertTrue(live < LIVE_HEAP_BOUND, "live heap " + live + " bytes");
            // Still serving: MMI answered above; a worker-less service is still known.
            assertEquals("404", mmi(admin, "mmi.service", "echo"));
        }
    }

    private static ZMsg request(String service, String body) {
        ZMsg msg = new ZMsg();
        msg.add("");
        msg.add("MDPC01");
        msg.add(service);
        msg.add(body);
        return msg;
    }

    private static String mmi(ZMQ.Socket socket, String service, String argument) {
        request(service, argument).send(socket);
        ZMsg reply = ZMsg.recvMsg(socket);
        assertTrue(reply != null, "no answer to " + service);
        return reply.getLast().getString(ZMQ.CHARSET);
    }

    /** Live objects on the child's heap: {@code jcmd GC.class_histogram} runs a full GC and sums them. */
    private static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jcmd did not finish");
        for (String line : output.split("\n")) {
            if (line.trim().startsWith("Total")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[2]);
            }
        }
        throw new AssertionError("no Total line from jcmd:\n" + output);
    }
}
