package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Streaming replies end to end: MDP/0.2 workers with ReplyStream, the 0.2 clients, and 0.1 peers meeting them. */
class MdpStreamingTest {
    private static final RetryPolicy PATIENT = RetryPolicy.builder().timeoutMillis(15_000).attempts(1).build();

    private final MdpTestKit kit = new MdpTestKit();
    private final ScheduledExecutorService elsewhere = Executors.newSingleThreadScheduledExecutor();
    private String endpoint;

    @AfterEach
    void tearDown() {
        elsewhere.shutdownNow();
        kit.close();
    }

    private MajordomoBroker broker() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        endpoint = broker.endpoints().get(0);
        return broker;
    }

    private WorkerConfig.Builder workerConfig(String service, MdpDialect dialect) {
        return WorkerConfig.builder(service).connect(endpoint).heartbeat(MdpTestKit.HEARTBEAT)
                .backoff(MdpTestKit.BACKOFF).protocol(dialect);
    }

    /** Answers request "n" with parts "part 0".."part n-1", then "final". */
    private static ZMsg countParts(ZMsg request, ReplyStream stream) {
        int parts = Integer.parseInt(request.popString());
        for (int i = 0; i < parts; i++) {
            stream.partial(ZMsg.newStringMsg("part " + i));
        }
        return ZMsg.newStringMsg("final");
    }

    private MajordomoWorker streamingWorker(String service, MdpDialect dialect, boolean inline) {
        MajordomoWorker worker = MajordomoWorker.streaming(workerConfig(service, dialect).inlineHandler(inline).build(),
                MdpStreamingTest::countParts);
        kit.track(worker);
        return worker.start();
    }

    private MajordomoClient client(MdpDialect dialect, RetryPolicy policy) {
        MajordomoClient client = new MajordomoClient(List.of(endpoint), policy, null, dialect);
        kit.track(client);
        return client;
    }

    private AsyncMajordomoClient asyncClient(MdpDialect dialect, RetryPolicy policy) {
        AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(endpoint).protocol(dialect)
                .retryPolicy(policy).connections(4).build();
        kit.track(client);
        return client;
    }

    private static List<String> texts(Iterator<ZMsg> parts) {
        List<String> texts = new ArrayList<>();
        parts.forEachRemaining(part -> texts.add(part.popString()));
        return texts;
    }

    @ParameterizedTest
    @EnumSource(value = MdpDialect.class, names = {"MDP_0_2", "MDP_0_2_MAJORTOMO"})
    void aStreamingWorkerStreamsToTheSynchronousClientPartByPart(MdpDialect dialect) {
        broker();
        MajordomoWorker worker = streamingWorker("count", dialect, false);
        MajordomoClient client = client(dialect, PATIENT);

        assertEquals(List.of("part 0", "part 1", "part 2", "final"),
                texts(client.stream("count", ZMsg.newStringMsg("3"))));
        assertEquals(List.of("final"), texts(client.stream("count", ZMsg.newStringMsg("0"))));
        assertEquals("part 0part 1final", client.send("count", "2"));
        // A handler this fast often finishes before the socket thread has sent its parts: they still go first.
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of("part 0", "final"), texts(client.stream("count", ZMsg.newStringMsg("1"))));
        }
        assertEquals(53, worker.replies());
        assertEquals(55, worker.partialsSent());
        assertEquals(0, client.dropped());
    }

    @Test
    void anInlineStreamingWorkerSendsItsPartsFromTheSocketThread() {
        broker();
        streamingWorker("inline", MdpDialect.MDP_0_2, true);
        assertEquals(List.of("part 0", "part 1", "final"),
                texts(client(MdpDialect.MDP_0_2, PATIENT).stream("inline", ZMsg.newStringMsg("2"))));
    }

    @Test
    void anMdp01ClientGetsAStreamJoinedIntoOneReply() {
        broker();
        streamingWorker("count", MdpDialect.MDP_0_2, false);
        assertEquals("part 0part 1part 2final", client(MdpDialect.MDP_0_1, PATIENT).send("count", "3"));
    }

    @ParameterizedTest
    @EnumSource(value = MdpDialect.class, names = {"MDP_0_2", "MDP_0_2_MAJORTOMO"})
    void anMdp02ClientGetsAnMdp01WorkersReplyAsItsFinalPart(MdpDialect dialect) {
        broker();
        kit.echoWorker(endpoint, "echo");
        assertEquals(List.of("hello"), texts(client(dialect, PATIENT).stream("echo", ZMsg.newStringMsg("hello"))));
        AsyncMajordomoClient async = asyncClient(dialect, PATIENT);
        List<ZMsg> parts = new CopyOnWriteArrayList<>();
        assertEquals("hi", async.stream("echo", ZMsg.newStringMsg("hi"), parts::add).join().popString());
        assertTrue(parts.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = MdpDialect.class, names = {"MDP_0_2", "MDP_0_2_MAJORTOMO"})
    void anAsyncStreamingWorkerAndTheAsyncClientStreamManyRequestsAtOnce(MdpDialect dialect) throws Exception {
        broker();
        // Parts are produced on another thread, one every millisecond, and the final one after them.
        AsyncStreamingRequestHandler ticker = (request, stream) -> {
            int parts = Integer.parseInt(request.popString());
            CompletableFuture<ZMsg> done = new CompletableFuture<>();
            for (int i = 0; i < parts; i++) {
                String text = "part " + i;
                elsewhere.schedule(() -> stream.partial(ZMsg.newStringMsg(text)), i, TimeUnit.MILLISECONDS);
            }
            elsewhere.schedule(() -> done.complete(ZMsg.newStringMsg("final")), parts, TimeUnit.MILLISECONDS);
            return done;
        };
        for (int w = 0; w < 2; w++) {
            MajordomoWorker worker = MajordomoWorker.asyncStreaming(workerConfig("ticker", dialect).build(), ticker);
            kit.track(worker);
            worker.start();
        }
        AsyncMajordomoClient client = asyncClient(dialect, PATIENT);
        int requests = 40;
        List<List<String>> received = new ArrayList<>();
        List<CompletableFuture<ZMsg>> finals = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<String> parts = new CopyOnWriteArrayList<>();
            received.add(parts);
            finals.add(client.stream("ticker", ZMsg.newStringMsg(Integer.toString(r % 5)),
                    part -> parts.add(part.popString())));
        }
        for (int r = 0; r < requests; r++) {
            assertEquals("final", finals.get(r).get(30, TimeUnit.SECONDS).popString());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < r % 5; i++) {
                expected.add("part " + i);
            }
            assertEquals(expected, received.get(r), "request " + r);
        }
        assertEquals("part 0part 1final", client.send("ticker", "2").get(30, TimeUnit.SECONDS));
        assertEquals(0, client.dropped());
    }

    @Test
    void aPartCallbackThatThrowsFailsItsRequestAndTheRestOfItsStreamReachesNoOtherRequest() throws Exception {
        broker();
        streamingWorker("count", MdpDialect.MDP_0_2, false);
        AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(endpoint).protocol(MdpDialect.MDP_0_2)
                .retryPolicy(PATIENT).connections(1).build();
        kit.track(client);
        IllegalStateException refused = new IllegalStateException("callback failure on purpose");
        CompletableFuture<ZMsg> failed = client.stream("count", ZMsg.newStringMsg("5"), part -> {
            throw refused;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
        assertEquals(refused, e.getCause());
        // The same (only) connection's next request of the same service sees its own parts only.
        for (int i = 0; i < 3; i++) {
            assertEquals("part 0part 1final", client.send("count", "2").get(30, TimeUnit.SECONDS));
        }
        assertEquals(0, client.pending());
    }

    @Test
    void aStreamingHandlerNeedsAnMdp02WorkerAndNoPartMayFollowTheFinal() throws Exception {
        broker();
        assertThrows(IllegalArgumentException.class, () -> MajordomoWorker.streaming(
                workerConfig("x", MdpDialect.MDP_0_1).build(), MdpStreamingTest::countParts));
        CompletableFuture<ReplyStream> kept = new CompletableFuture<>();
        MajordomoWorker worker = MajordomoWorker.streaming(workerConfig("keep", MdpDialect.MDP_0_2).build(),
                (request, stream) -> {
                    kept.complete(stream);
                    return ZMsg.newStringMsg("done");
                });
        kit.track(worker);
        worker.start();
        assertEquals("done", client(MdpDialect.MDP_0_2, PATIENT).send("keep", "x"));
        ReplyStream stale = kept.get(5, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> stale.partial(ZMsg.newStringMsg("late")));
    }

    /**
     * The first attempt's worker is slow: its parts turn up after the client has retried. The client sees the
     * second attempt's parts only, never a mix.
     */
    @Test
    void aRetriedStreamNeverMixesThePartsOfTwoAttempts() throws Exception {
        MajordomoBroker broker = broker();
        ZMQ.Socket worker = kit.dealer(endpoint);
        RawMdp.message(RawMdp.ready(MdpDialect.MDP_0_2, "slow")).send(worker);
        Await.until("the raw worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = client(MdpDialect.MDP_0_2,
                RetryPolicy.builder().timeoutMillis(1_500).attempts(3).build());
        CompletableFuture<List<String>> parts = CompletableFuture.supplyAsync(
                () -> texts(client.stream("slow", ZMsg.newStringMsg("go"))));

        String first = requestAddress(worker);
        Await.until("the client retried", () -> broker.stats().queued() == 1);
        RawMdp.message(RawMdp.partial(MdpDialect.MDP_0_2, first, "attempt 1 part")).send(worker);
        RawMdp.message(RawMdp.finalReply(MdpDialect.MDP_0_2, first, "attempt 1 final")).send(worker);
        String second = requestAddress(worker);
        RawMdp.message(RawMdp.partial(MdpDialect.MDP_0_2, second, "attempt 2 part")).send(worker);
        RawMdp.message(RawMdp.finalReply(MdpDialect.MDP_0_2, second, "attempt 2 final")).send(worker);

        assertEquals(List.of("attempt 2 part", "attempt 2 final"), parts.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aStreamThatStopsPartWayFailsInsteadOfStartingAgain() throws Exception {
        MajordomoBroker broker = broker();
        ZMQ.Socket worker = kit.dealer(endpoint);
        RawMdp.message(RawMdp.ready(MdpDialect.MDP_0_2_MAJORTOMO, "stuck")).send(worker);
        Await.until("the raw worker registered", () -> broker.stats().workers() == 1);
        // Long enough for the part to come within the first attempt on a loaded machine.
        RetryPolicy quick = RetryPolicy.builder().timeoutMillis(2_000).attempts(5).build();

        Iterator<ZMsg> parts = client(MdpDialect.MDP_0_2_MAJORTOMO, quick).stream("stuck", ZMsg.newStringMsg("go"));
        String held = requestAddress(worker, MdpDialect.MDP_0_2_MAJORTOMO);
        RawMdp.message(RawMdp.partial(MdpDialect.MDP_0_2_MAJORTOMO, held, "only part")).send(worker);
        assertTrue(parts.hasNext());
        assertEquals("only part", parts.next().popString());
        RequestTimeoutException stopped = assertThrows(RequestTimeoutException.class, parts::hasNext);
        assertEquals(1, stopped.attempts(), stopped.getMessage());
        assertFalse(parts.hasNext());

        List<ZMsg> asyncParts = new CopyOnWriteArrayList<>();
        CompletableFuture<ZMsg> done = asyncClient(MdpDialect.MDP_0_2_MAJORTOMO, quick)
                .stream("stuck", ZMsg.newStringMsg("again"), asyncParts::add);
        // The worker is still busy with the first request: the broker queues this one until the worker is gone.
        assertEquals(1, broker.stats().workers());
        kit.context.destroySocket(worker);
        ZMQ.Socket next = kit.dealer(endpoint);
        RawMdp.message(RawMdp.ready(MdpDialect.MDP_0_2_MAJORTOMO, "stuck")).send(next);
        String address = requestAddress(next, MdpDialect.MDP_0_2_MAJORTOMO);
        RawMdp.message(RawMdp.partial(MdpDialect.MDP_0_2_MAJORTOMO, address, "one")).send(next);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertInstanceOf(RequestTimeoutException.class, failed.getCause());
        assertEquals(1, asyncParts.size());
    }

    private static String requestAddress(ZMQ.Socket worker) {
        return requestAddress(worker, MdpDialect.MDP_0_2);
    }

    /** Waits for a REQUEST on a raw worker socket and returns the client address it carries. */
    private static String requestAddress(ZMQ.Socket worker, MdpDialect dialect) {
        List<String> request = RawMdp.strings(MdpTestKit.receiveSkippingHeartbeats(worker, dialect));
        return request.get(dialect == MdpDialect.MDP_0_2 ? 2 : 3);
    }
}
