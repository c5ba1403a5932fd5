package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.FrameFuzzer;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Malformed MDP, client and worker side, thrown at a running broker from raw DEALERs, while a real client keeps
 * asking a real worker: every well-formed request before, during and after is answered and the drops are counted.
 */
class MajordomoFuzzTest {
    private static final int MESSAGES = 600;
    private static final int CHECK_EVERY = 100;

    private final MdpTestKit kit = new MdpTestKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    @Test
    void malformedClientAndWorkerMessagesNeverStopTheBroker() {
        FrameFuzzer fuzz = new FrameFuzzer(FrameFuzzer.seed(20261126L));
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        kit.echoWorker(endpoint, "echo");
        MajordomoClient client = kit.client(endpoint, 5_000, 3);
        assertEquals("before", client.send("echo", "before"), fuzz.toString());
        storm(fuzz, broker, templates(),
                i -> assertEquals("during " + i, client.send("echo", "during " + i), fuzz.toString()));
        assertEquals("after", client.send("echo", "after"), fuzz.toString());
    }

    /**
     * Sends {@value #MESSAGES} mutations of {@code templates} from raw DEALERs, calling {@code check} every
     * {@value #CHECK_EVERY}; then the broker must have counted drops and sent DISCONNECTs, and once the hostile
     * peers are gone only the test's one real worker may be left.
     */
    private void storm(FrameFuzzer fuzz, MajordomoBroker broker, List<List<byte[]>> templates, IntConsumer check) {
        String endpoint = broker.endpoints().get(0);
        long dropsBefore = broker.stats().dropped();
        long disconnectsBefore = broker.stats().disconnectsSent();
        List<ZMQ.Socket> hostile = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            if (i % 25 == 0) {
                // Fresh hostile peers now and then: the broker forgets those it disconnected.
                hostile.forEach(kit.context::destroySocket);
                hostile.clear();
                for (int p = 0; p < 3; p++) {
                    hostile.add(kit.dealer(endpoint));
                }
            }
            List<byte[]> template = templates.get(fuzz.random().nextInt(templates.size()));
            FrameFuzzer.send(hostile.get(i % hostile.size()), fuzz.mutate(template));
            if (i % CHECK_EVERY == CHECK_EVERY - 1) {
                check.accept(i);
            }
        }
        BrokerStats stats = broker.stats();
        assertTrue(stats.dropped() > dropsBefore, "drops counted: " + stats.drops() + " " + fuzz);
        assertTrue(stats.disconnectsSent() > disconnectsBefore, "bad workers disconnected " + fuzz);
        // A mutation may have been a valid READY for some service; such a silent "worker" expires.
        hostile.forEach(kit.context::destroySocket);
        Await.until("only the real worker left " + fuzz, () -> broker.stats().workers() == 1);
    }

    /**
     * The same storm in both MDP/0.2 dialects, while a 0.2 client streams from a 0.2 worker and a 0.1 client is
     * served by the same worker: every stream before, during and after arrives whole and in order.
     */
    @Test
    void malformedMdp02MessagesNeverStopTheBroker() {
        FrameFuzzer fuzz = new FrameFuzzer(FrameFuzzer.seed(20261201L));
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        MajordomoWorker worker = MajordomoWorker.streaming(WorkerConfig.builder("stream").connect(endpoint)
                .heartbeat(MdpTestKit.HEARTBEAT).backoff(MdpTestKit.BACKOFF).protocol(MdpDialect.MDP_0_2).build(),
                (request, stream) -> {
                    String text = request.popString();
                    stream.partial(ZMsg.newStringMsg(text + "-1"));
                    stream.partial(ZMsg.newStringMsg(text + "-2"));
                    return ZMsg.newStringMsg(text + "-end");
                });
        kit.track(worker);
        worker.start();
        MajordomoClient streaming = new MajordomoClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(5_000).attempts(3).build(), null, MdpDialect.MDP_0_2_MAJORTOMO);
        kit.track(streaming);
        MajordomoClient plain = kit.client(endpoint, 5_000, 3);
        assertEquals("before-1before-2before-end", streaming.send("stream", "before"), fuzz.toString());
        storm(fuzz, broker, mdp02Templates(), i -> {
            assertEquals("d" + i + "-1d" + i + "-2d" + i + "-end", streaming.send("stream", "d" + i),
                    fuzz + " broker " + broker.stats() + " worker drops " + worker.dropped());
            assertEquals("p" + i + "-1p" + i + "-2p" + i + "-end", plain.send("stream", "p" + i), fuzz.toString());
        });
        assertEquals("after-1after-2after-end", streaming.send("stream", "after"), fuzz.toString());
    }

    /** Well-formed messages of every kind in both 0.2 dialects, written by hand, for the fuzzer to break. */
    private static List<List<byte[]>> mdp02Templates() {
        List<List<byte[]>> templates = new ArrayList<>();
        for (MdpDialect dialect : List.of(MdpDialect.MDP_0_2, MdpDialect.MDP_0_2_MAJORTOMO)) {
            for (List<String> frames : List.of(
                    RawMdp.clientRequest(dialect, "stream", "hello"),
                    RawMdp.clientRequest(dialect, "mmi.service", "stream"),
                    RawMdp.clientPartial(dialect, "stream", "x"),
                    RawMdp.ready(dialect, "fuzz"),
                    RawMdp.heartbeat(dialect),
                    RawMdp.partial(dialect, "client", "x"),
                    RawMdp.finalReply(dialect, "client", "x"),
                    RawMdp.disconnect(dialect))) {
                List<byte[]> bytes = new ArrayList<>();
                RawMdp.message(frames).forEach(frame -> bytes.add(frame.getData()));
                templates.add(bytes);
            }
        }
        return templates;
    }

    /** Well-formed messages of every MDP kind, for the fuzzer to break. */
    private static List<List<byte[]>> templates() {
        byte[] empty = new byte[0];
        byte[] client = MdpProtocol.clientHeader();
        byte[] worker = MdpProtocol.workerHeader();
        return List.of(
                List.of(empty, client, "echo".getBytes(), "hello".getBytes()),
                List.of(empty, client, "mmi.service".getBytes(), "echo".getBytes()),
                List.of(empty, worker, new byte[] {MdpProtocol.READY}, "fuzz".getBytes()),
                List.of(empty, worker, new byte[] {MdpProtocol.HEARTBEAT}),
                List.of(empty, worker, new byte[] {MdpProtocol.REPLY}, "client".getBytes(), empty, "x".getBytes()),
                List.of(empty, worker, new byte[] {MdpProtocol.DISCONNECT}));
    }
}
