package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.ManualClock;
import io.zreliable.common.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

class ParanoidPirateQueueTest {
    /** Short heartbeats, but a liveness generous enough that a loaded machine does not expire a live worker. */
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(10).build();

    private ZContext ctx;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ctx = new ZContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        ctx.close();
    }

    private <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private ParanoidPirateQueue.Builder queueBuilder() {
        return ParanoidPirateQueue.builder().frontend("tcp://127.0.0.1:*").backend("tcp://127.0.0.1:*")
                .heartbeat(HEARTBEAT).context(ctx);
    }

    private ParanoidPirateQueue startQueue() {
        return closeLater(queueBuilder().build().start());
    }

    private ParanoidPirateWorker startWorker(String backend, RequestHandler handler) {
        return closeLater(ParanoidPirateWorker.builder().connect(backend).heartbeat(HEARTBEAT).context(ctx)
                .handler(handler).build().start());
    }

    private LazyPirateClient client(String frontend, Correlation correlation) {
        return closeLater(LazyPirateClient.builder().endpoints(frontend).correlation(correlation).context(ctx)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(1000).attempts(10).build()).build());
    }

    private static ZMsg prefixed(String prefix, ZMsg request) {
        return ZMsg.newStringMsg(prefix + request.getFirst().getString(ZMQ.CHARSET));
    }

    @Test
    void routesRequestsToWorkersAndRepliesToTheirClients() {
        ParanoidPirateQueue queue = startQueue();
        List<AtomicInteger> handled = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            AtomicInteger count = new AtomicInteger();
            handled.add(count);
            String name = "w" + w + ":";
            startWorker(queue.backendEndpoint(), request -> {
                count.incrementAndGet();
                return prefixed(name, request);
            });
        }
        Await.until("3 workers ready", () -> queue.stats().workers() == 3);
        LazyPirateClient client = client(queue.frontendEndpoint(), Correlation.REQUEST_ID);
        for (int i = 0; i < 30; i++) {
            String reply = client.request("req-" + i);
            assertTrue(reply.matches("w[0-2]:req-" + i), reply);
        }
        for (AtomicInteger count : handled) {
            assertTrue(count.get() > 0, "least recently used routing spreads requests over every worker");
        }
        QueueStats stats = queue.stats();
        // A resent attempt (a loaded machine may time one out) is a request of its own to the queue.
        assertTrue(stats.requestsReceived() >= 30 && stats.requestsReceived() <= 30 + client.timeouts(),
                stats.toString());
        assertTrue(stats.repliesForwarded() >= 30, stats.toString());
        assertEquals(0, stats.backlog());
    }

    @Test
    void aWorkerSpeakingTheGuidesRawFramesWorksWithOurQueue() {
        ParanoidPirateQueue queue = startQueue();
        GuideWorker worker = closeLater(new GuideWorker(ctx, queue.backendEndpoint(), HEARTBEAT.intervalMillis()));
        Await.until("the Guide worker registered", () -> queue.stats().workers() == 1);
        // The Guide's ppworker accepts exactly [client][empty][body], which is what a plain REQ client sends.
        LazyPirateClient client = client(queue.frontendEndpoint(), Correlation.PLAIN);
        for (int i = 0; i < 10; i++) {
            assertEquals("req-" + i, client.request("req-" + i), "the Guide worker echoes the request");
        }
        assertTrue(worker.requests() >= 10 && worker.requests() <= 10 + client.timeouts(),
                "the Guide worker got every request: " + worker.requests());
        Await.until("queue heartbeats reach the Guide worker", () -> worker.heartbeats() >= 2);
        assertEquals(0, worker.invalid(), "every frame our queue sent was one the Guide worker understands");
    }

    @Test
    void killedAndSilentWorkersAreForgottenAndGetNoMoreRequests() throws Exception {
        // Liveness 10 keeps the live workers from expiring when a loaded machine stalls a heartbeat or two.
        HeartbeatConfig fast = HeartbeatConfig.builder().intervalMillis(100).liveness(10).build();
        ParanoidPirateQueue queue = closeLater(queueBuilder().heartbeat(fast).build().start());
        GuideWorker killed = new GuideWorker(ctx, queue.backendEndpoint(), fast.intervalMillis());
        // A hung worker: still connected, never heard from after READY.
        ZMQ.Socket hung = ctx.createSocket(SocketType.DEALER);
        hung.connect(queue.backendEndpoint());
        hung.send(new byte[] {PppProtocol.READY}, 0);
        GuideWorker survivor = closeLater(new GuideWorker(ctx, queue.backendEndpoint(), fast.intervalMillis()));
        Await.until("3 workers ready", () -> queue.stats().workers() == 3, queue::stats);
        killed.close();

        // The killed worker's connection is gone: the first heartbeat that cannot be routed forgets it. The hung one
        // expires after interval x liveness of silence.
        Await.until("both forgotten", () -> queue.stats().workers() == 1, queue::stats);
        QueueStats stats = queue.stats();
        assertTrue(stats.workersExpired() >= 1, "the hung worker expired: " + stats);
        assertTrue(stats.workersDisconnected() >= 1, "the killed worker was found disconnected: " + stats);

        // A long timeout: any timeout here would mean a request went to a dead worker.
        LazyPirateClient client = closeLater(LazyPirateClient.builder().endpoints(queue.frontendEndpoint())
                .correlation(Correlation.PLAIN).context(ctx)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(10_000).attempts(1).build()).build());
        for (int i = 0; i < 10; i++) {
            assertEquals("req-" + i, client.request("req-" + i));
        }
        assertEquals(0, client.timeouts(), "no request was routed to a dead worker");
        assertEquals(10, survivor.requests());
    }

    @Test
    void expiryHappensExactlyAfterIntervalTimesLiveness() throws Exception {
        ManualClock clock = new ManualClock();
        ParanoidPirateQueue queue = closeLater(queueBuilder().clock(clock)
                .heartbeat(HeartbeatConfig.builder().intervalMillis(1000).liveness(3).build()).build().start());
        ZMQ.Socket worker = ctx.createSocket(SocketType.DEALER);
        worker.connect(queue.backendEndpoint());
        worker.send(new byte[] {PppProtocol.READY}, 0);
        Await.until("worker registered", () -> queue.stats().workers() == 1);

        // Each interval the queue heartbeats the worker; receiving the beat proves the loop ran that far.
        worker.setReceiveTimeOut((int) Await.DEADLINE.toMillis());
        for (int beat = 1; beat <= 2; beat++) {
            clock.advance(Duration.ofMillis(1000));
            ZMsg msg = ZMsg.recvMsg(worker);
            assertNotNull(msg, "heartbeat " + beat + " not sent");
            assertEquals(1, msg.size());
            assertEquals(PppProtocol.HEARTBEAT, msg.getFirst().getData()[0]);
        }
        clock.advance(Duration.ofMillis(999));
        queue.stats();
        queue.stats();
        assertEquals(1, queue.stats().workers(), "still alive 1 ms before interval x liveness");

        clock.advance(Duration.ofMillis(1));
        // Time stands still now, so only the expiry deadline itself can make this true.
        Await.until("expired at interval x liveness", () -> queue.stats().workers() == 0);
        assertEquals(1, queue.stats().workersExpired());
    }

    @Test
    void backlogIsBoundedAndDrainsInOrderWhenAWorkerArrives() {
        ParanoidPirateQueue queue = closeLater(queueBuilder().maxBacklog(2).build().start());
        ZMQ.Socket client = ctx.createSocket(SocketType.DEALER);
        client.connect(queue.frontendEndpoint());
        for (int i = 0; i < 5; i++) {
            client.sendMore(new byte[0]);
            client.send("body-" + i);
        }
        Await.until("5 requests received", () -> queue.stats().requestsReceived() == 5);
        QueueStats stats = queue.stats();
        assertEquals(2, stats.backlog());
        assertEquals(3, stats.dropped(ParanoidPirateQueue.DROP_BACKLOG_FULL));

        startWorker(queue.backendEndpoint(), request -> prefixed("done:", request));
        client.setReceiveTimeOut((int) Await.DEADLINE.toMillis());
        for (int i = 0; i < 2; i++) {
            ZMsg reply = ZMsg.recvMsg(client);
            assertEquals(2, reply.size());
            assertEquals(0, reply.getFirst().size());
            assertEquals("done:body-" + i, reply.getLast().getString(ZMQ.CHARSET));
        }
        assertEquals(0, queue.stats().backlog());
    }

    @Test
    void malformedAndOversizedMessagesAreDroppedAndCounted() {
        ParanoidPirateQueue queue = closeLater(queueBuilder().maxRequestBytes(100).build().start());
        ZMQ.Socket badClient = ctx.createSocket(SocketType.DEALER);
        badClient.connect(queue.frontendEndpoint());
        badClient.send("no delimiter");
        badClient.send(new byte[0], 0); // a delimiter with no body after it
        badClient.sendMore("");
        badClient.send(new byte[101], 0);
        ZMQ.Socket badWorker = ctx.createSocket(SocketType.DEALER);
        badWorker.connect(queue.backendEndpoint());
        badWorker.send(new byte[] {0x07}, 0);
        badWorker.send(new byte[0], 0);
        badWorker.sendMore("x");
        badWorker.send("y");
        Await.until("every bad message counted", () -> queue.stats().drops().values().stream()
                .mapToLong(Long::longValue).sum() == 6);
        QueueStats stats = queue.stats();
        assertEquals(2, stats.dropped(ParanoidPirateQueue.DROP_MALFORMED_REQUEST), stats.drops().toString());
        assertEquals(1, stats.dropped(ParanoidPirateQueue.DROP_OVERSIZED_REQUEST), stats.drops().toString());
        assertEquals(2, stats.dropped(ParanoidPirateQueue.DROP_UNKNOWN_COMMAND), stats.drops().toString());
        assertEquals(1, stats.dropped(ParanoidPirateQueue.DROP_MALFORMED_WORKER_MESSAGE), stats.drops().toString());
        assertEquals(0, stats.workers(), "no bad message registered a worker");

        startWorker(queue.backendEndpoint(), request -> prefixed("ok:", request));
        assertEquals("ok:still serving", client(queue.frontendEndpoint(), Correlation.REQUEST_ID)
                .request("still serving"));
    }

    @Test
    void theWorkerLimitRefusesExtraWorkers() {
        ParanoidPirateQueue queue = closeLater(queueBuilder().maxWorkers(1).build().start());
        closeLater(new GuideWorker(ctx, queue.backendEndpoint(), HEARTBEAT.intervalMillis()));
        Await.until("first worker ready", () -> queue.stats().workers() == 1);
        closeLater(new GuideWorker(ctx, queue.backendEndpoint(), HEARTBEAT.intervalMillis()));
        Await.until("second worker refused",
                () -> queue.stats().dropped(ParanoidPirateQueue.DROP_TOO_MANY_WORKERS) >= 1);
        assertEquals(1, queue.stats().workers());
    }
}
