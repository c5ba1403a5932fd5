package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.FrameFuzzer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

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
        long dropsBefore = broker.stats().dropped();
        long disconnectsBefore = broker.stats().disconnectsSent();

        List<List<byte[]>> templates = templates();
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
                assertEquals("during " + i, client.send("echo", "during " + i), fuzz.toString());
            }
        }

        assertEquals("after", client.send("echo", "after"), fuzz.toString());
        BrokerStats stats = broker.stats();
        assertTrue(stats.dropped() > dropsBefore, "drops counted: " + stats.drops() + " " + fuzz);
        assertTrue(stats.disconnectsSent() > disconnectsBefore, "bad workers disconnected " + fuzz);
        // A mutation may have been a valid READY for some service; such a silent "worker" expires.
        hostile.forEach(kit.context::destroySocket);
        Await.until("only the real worker left " + fuzz, () -> broker.stats().workers() == 1);
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
