package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

class ParanoidPirateWorkerTest {
    private static final BackoffConfig QUICK_BACKOFF = BackoffConfig.builder().initialMillis(50).maxMillis(200).build();

    private ZContext ctx;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        ctx = new ZContext();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        ctx.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private ParanoidPirateWorker startWorker(String endpoint, HeartbeatConfig heartbeat, RequestHandler handler) {
        return closeLater(ParanoidPirateWorker.builder().connect(endpoint).heartbeat(heartbeat)
                .backoff(QUICK_BACKOFF).context(ctx).handler(handler).build().start());
    }

    /** Upper-cases every frame of the request. */
    private static ZMsg upperCase(ZMsg request) {
        ZMsg reply = new ZMsg();
        for (ZFrame frame : request) {
            reply.add(frame.getString(ZMQ.CHARSET).toUpperCase(Locale.ROOT));
        }
        return reply;
    }

    private static ZMsg receive(ZMQ.Socket socket) {
        ZMsg msg = ZMsg.recvMsg(socket);
        assertNotNull(msg, "nothing received within the deadline");
        return msg;
    }

    private static List<String> texts(ZMsg msg) {
        List<String> texts = new ArrayList<>();
        for (ZFrame frame : msg) {
            texts.add(frame.getString(ZMQ.CHARSET));
        }
        return texts;
    }

    /** Receives from a raw queue, skipping heartbeats; returns the first other message. */
    private static ZMsg receiveSkippingHeartbeats(ZMQ.Socket router, int[] heartbeats) {
        while (true) {
            ZMsg msg = receive(router);
            if (msg.size() == 2 && Arrays.equals(msg.getLast().getData(), new byte[] {PppProtocol.HEARTBEAT})) {
                heartbeats[0]++;
                continue;
            }
            return msg;
        }
    }

    @Test
    void speaksTheGuidesFramesToARawQueue() {
        // A raw ROUTER standing in for the Guide's ppqueue, driven frame by frame.
        ZMQ.Socket queue = ctx.createSocket(SocketType.ROUTER);
        queue.setReceiveTimeOut((int) Await.DEADLINE.toMillis());
        String endpoint = Ports.endpoint(queue.bindToRandomPort("tcp://127.0.0.1"));
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().intervalMillis(50).liveness(100).build();
        ParanoidPirateWorker worker = startWorker(endpoint, heartbeat, ParanoidPirateWorkerTest::upperCase);

        ZMsg ready = receive(queue);
        assertEquals(2, ready.size(), "routing id + 1-part READY");
        byte[] workerId = ready.pop().getData();
        assertArrayEquals(new byte[] {0x01}, ready.pop().getData());

        int[] heartbeats = {0};
        ZMsg request = new ZMsg();
        request.add(workerId);
        request.add("client-1");
        request.add(new byte[0]);
        request.add("hello");
        request.send(queue);
        ZMsg reply = receiveSkippingHeartbeats(queue, heartbeats);
        assertArrayEquals(workerId, reply.pop().getData());
        assertEquals(List.of("client-1", "", "HELLO"), texts(reply));

        // A deeper address stack and a multipart body come back in the same shape.
        ZMsg deep = new ZMsg();
        deep.add(workerId);
        deep.add("a");
        deep.add("b");
        deep.add(new byte[0]);
        deep.add("x");
        deep.add("y");
        deep.send(queue);
        ZMsg deepReply = receiveSkippingHeartbeats(queue, heartbeats);
        deepReply.pop();
        assertEquals(List.of("a", "b", "", "X", "Y"), texts(deepReply));

        while (heartbeats[0] < 2) {
            ZMsg beat = receive(queue);
            assertEquals(2, beat.size());
            beat.pop();
            assertArrayEquals(new byte[] {0x02}, beat.pop().getData(), "a 1-part HEARTBEAT");
            heartbeats[0]++;
        }
        assertEquals(2, worker.stats().requestsHandled());
        assertEquals(0, worker.stats().reconnects());
    }

    @Test
    void reconnectsWithAFreshReadyWhenTheQueueFallsSilent() {
        ZMQ.Socket queue = ctx.createSocket(SocketType.ROUTER);
        queue.setReceiveTimeOut((int) Await.DEADLINE.toMillis());
        String endpoint = Ports.endpoint(queue.bindToRandomPort("tcp://127.0.0.1"));
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().intervalMillis(50).liveness(3).build();
        ParanoidPirateWorker worker = startWorker(endpoint, heartbeat, ParanoidPirateWorkerTest::upperCase);

        ZMsg first = receive(queue);
        byte[] firstId = first.pop().getData();
        assertArrayEquals(new byte[] {0x01}, first.pop().getData());
        // This queue never heartbeats: the worker must give up on it and start a new conversation.
        int[] heartbeats = {0};
        ZMsg second = receiveSkippingHeartbeats(queue, heartbeats);
        byte[] secondId = second.pop().getData();
        assertArrayEquals(new byte[] {0x01}, second.pop().getData(), "READY again");
        assertFalse(Arrays.equals(firstId, secondId), "from a new socket");
        assertTrue(worker.stats().reconnects() >= 1);
    }

    @Test
    void reconnectsWhenTheQueueIsKilledAndRestarted() {
        String frontend = Ports.endpoint(Ports.free());
        String backend = Ports.endpoint(Ports.free());
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().intervalMillis(50).liveness(3).build();
        ParanoidPirateQueue.Builder queueBuilder = ParanoidPirateQueue.builder().frontend(frontend).backend(backend)
                .heartbeat(heartbeat).context(ctx);
        ParanoidPirateQueue first = queueBuilder.build().start();
        ParanoidPirateWorker worker = startWorker(backend, heartbeat, ParanoidPirateWorkerTest::upperCase);
        Await.until("worker registered", () -> first.stats().workers() == 1);
        first.close();
        Await.until("worker noticed the dead queue", () -> worker.stats().reconnects() >= 1);

        ParanoidPirateQueue second = closeLater(Ports.retrying(() -> queueBuilder.build().start()));
        Await.until("worker back on the restarted queue", () -> second.stats().workers() == 1);
        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(frontend).context(ctx)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(1000).attempts(10).build()).build());
        assertEquals("AFTER RESTART", client.request("after restart"));
    }

    @Test
    void aFailingHandlerIsLoggedAndCountedAndTheWorkerGoesOn() {
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().intervalMillis(100).liveness(10).build();
        ParanoidPirateQueue queue = closeLater(ParanoidPirateQueue.builder().frontend("tcp://127.0.0.1:*")
                .backend("tcp://127.0.0.1:*").heartbeat(heartbeat).context(ctx).build().start());
        ParanoidPirateWorker worker = startWorker(queue.backendEndpoint(), heartbeat, request -> {
            String body = request.getFirst().getString(ZMQ.CHARSET);
            if (body.equals("boom")) {
                throw new IllegalStateException("handler bug");
            }
            return body.equals("nothing") ? null : upperCase(request);
        });
        Await.until("worker registered", () -> queue.stats().workers() == 1);
        LazyPirateClient once = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .context(ctx).retryPolicy(RetryPolicy.builder().timeoutMillis(300).attempts(1).build()).build());
        assertThrows(RequestTimeoutException.class, () -> once.request("boom"));
        assertThrows(RequestTimeoutException.class, () -> once.request("nothing"));
        Await.until("both failures counted", () -> worker.stats().handlerFailures() == 2);
        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .context(ctx).build());
        assertEquals("FINE", client.request("fine"));
    }

    @Test
    void clientRecoversWhenAWorkerDiesMidStream() throws Exception {
        HeartbeatConfig heartbeat = HeartbeatConfig.builder().intervalMillis(100).liveness(5).build();
        ParanoidPirateQueue queue = closeLater(ParanoidPirateQueue.builder().frontend("tcp://127.0.0.1:*")
                .backend("tcp://127.0.0.1:*").heartbeat(heartbeat).context(ctx).build().start());
        ParanoidPirateWorker doomed = ParanoidPirateWorker.builder().connect(queue.backendEndpoint())
                .heartbeat(heartbeat).context(ctx).handler(ParanoidPirateWorkerTest::upperCase).build().start();
        startWorker(queue.backendEndpoint(), heartbeat, ParanoidPirateWorkerTest::upperCase);
        Await.until("2 workers ready", () -> queue.stats().workers() == 2, queue::stats);

        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .context(ctx).retryPolicy(RetryPolicy.builder().timeoutMillis(500).attempts(20).build()).build());
        int count = 40;
        Future<List<String>> replies = executor.submit(() -> {
            List<String> got = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                got.add(client.request("req-" + i));
            }
            return got;
        });
        Await.until("the stream is under way", () -> queue.stats().repliesForwarded() >= 10);
        doomed.close();
        List<String> got = replies.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            assertEquals("REQ-" + i, got.get(i), "reply " + i);
        }
        Await.until("the dead worker forgotten", () -> queue.stats().workersExpired()
                + queue.stats().workersDisconnected() >= 1 && queue.stats().workers() == 1, queue::stats);
    }
}
