package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.FrameFuzzer;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Malformed PPP thrown at both sides of a running Paranoid Pirate queue from raw DEALERs, while a Lazy Pirate client
 * keeps asking a real worker: the queue never stops serving and counts the drops.
 */
class PppFuzzTest {
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(5).build();
    private static final int MESSAGES = 600;
    private static final int CHECK_EVERY = 100;

    private final ZContext ctx = new ZContext();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        ctx.close();
    }

    @Test
    void malformedClientAndWorkerMessagesNeverStopTheQueue() throws Exception {
        FrameFuzzer fuzz = new FrameFuzzer(FrameFuzzer.seed(6_0000_0006L));
        ParanoidPirateQueue queue = closeLater(ParanoidPirateQueue.builder().frontend("tcp://127.0.0.1:*")
                .backend("tcp://127.0.0.1:*").heartbeat(HEARTBEAT).context(ctx).build().start());
        closeLater(ParanoidPirateWorker.builder().connect(queue.backendEndpoint()).heartbeat(HEARTBEAT).context(ctx)
                .handler(request -> request.duplicate()).build().start());
        // Generous retries: a mutated message may register a silent "worker" that takes a request until it expires.
        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .context(ctx).retryPolicy(RetryPolicy.builder().timeoutMillis(1000).attempts(15).build()).build());
        assertEquals("before", client.request("before"), fuzz.toString());

        List<byte[]> frontendTemplate = List.of(new byte[0], "hello".getBytes());
        List<List<byte[]>> backendTemplates = List.of(List.of(new byte[] {PppProtocol.READY}),
                List.of(new byte[] {PppProtocol.HEARTBEAT}),
                List.of("client".getBytes(), new byte[0], "reply".getBytes()));
        List<ZMQ.Socket> hostile = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            if (i % 50 == 0) {
                hostile.forEach(ctx::destroySocket);
                hostile.clear();
                hostile.add(dealer(queue.frontendEndpoint()));
                hostile.add(dealer(queue.backendEndpoint()));
            }
            boolean toBackend = fuzz.random().nextBoolean();
            List<byte[]> template = toBackend
                    ? backendTemplates.get(fuzz.random().nextInt(backendTemplates.size())) : frontendTemplate;
            FrameFuzzer.send(hostile.get(toBackend ? 1 : 0), fuzz.mutate(template));
            if (i % CHECK_EVERY == CHECK_EVERY - 1) {
                assertEquals("during " + i, client.request("during " + i), fuzz.toString());
            }
        }

        assertEquals("after", client.request("after"), fuzz.toString());
        QueueStats stats = queue.stats();
        long drops = stats.drops().values().stream().mapToLong(Long::longValue).sum();
        assertTrue(drops > 0, "drops counted: " + stats + " " + fuzz);
        assertTrue(stats.dropped(ParanoidPirateQueue.DROP_MALFORMED_REQUEST) > 0, stats + " " + fuzz);
        assertTrue(stats.dropped(ParanoidPirateQueue.DROP_UNKNOWN_COMMAND) > 0, stats + " " + fuzz);
    }

    @Test
    void aHugeFrameIsRefusedByTheTransportAndTheQueueKeepsServing() {
        ParanoidPirateQueue queue = closeLater(ParanoidPirateQueue.builder().frontend("tcp://127.0.0.1:*")
                .backend("tcp://127.0.0.1:*").heartbeat(HEARTBEAT).context(ctx).maxRequestBytes(1_000).build()
                .start());
        closeLater(ParanoidPirateWorker.builder().connect(queue.backendEndpoint()).heartbeat(HEARTBEAT).context(ctx)
                .handler(request -> request.duplicate()).build().start());
        ZMQ.Socket hostile = dealer(queue.frontendEndpoint());
        FrameFuzzer.send(hostile, List.of(new byte[0],
                new byte[(int) (1_000 + ParanoidPirateQueue.FRAME_SLACK_BYTES + 1)]));
        ZMQ.Socket large = dealer(queue.frontendEndpoint());
        FrameFuzzer.send(large, List.of(new byte[0], new byte[1_001]));
        Await.until("the request just over the limit read and counted",
                () -> queue.stats().dropped(ParanoidPirateQueue.DROP_OVERSIZED_REQUEST) == 1);

        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .context(ctx).retryPolicy(RetryPolicy.builder().timeoutMillis(2000).attempts(5).build()).build());
        assertEquals("still here", client.request("still here"));
        // The huge frame never reached the queue: the transport refused it before allocating it.
        assertEquals(1, queue.stats().dropped(ParanoidPirateQueue.DROP_OVERSIZED_REQUEST), queue.stats().toString());
    }

    private ZMQ.Socket dealer(String endpoint) {
        ZMQ.Socket socket = ctx.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setSendTimeOut(0);
        socket.connect(endpoint);
        return socket;
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
