package io.zreliable.majordomo;

import static io.zreliable.majordomo.MdpDialect.MDP_0_1;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2_MAJORTOMO;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.zeromq.ZMQ;

/**
 * The dialect table and the cross-version rules against a running broker, over real sockets, with frames written
 * by hand ({@link RawMdp}) as other MDP implementations send them from their DEALER sockets.
 */
class MdpDialectsSocketTest {
    private final MdpTestKit kit = new MdpTestKit();
    private MajordomoBroker broker;
    private String endpoint;

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private void startBroker(BrokerConfig.Builder config) {
        broker = kit.broker(config.heartbeat(MdpTestKit.HEARTBEAT));
        endpoint = broker.endpoints().get(0);
    }

    private ZMQ.Socket peer() {
        return kit.dealer(endpoint);
    }

    private static void send(ZMQ.Socket socket, List<String> frames) {
        RawMdp.message(frames).send(socket);
    }

    private static void expect(ZMQ.Socket socket, MdpDialect dialect, List<String> frames) {
        List<String> actual = RawMdp.strings(MdpTestKit.receiveSkippingHeartbeats(socket, dialect));
        assertEquals(frames, actual, RawMdp.describe(actual));
    }

    /** Registers a raw worker and waits until the broker knows it. */
    private ZMQ.Socket worker(MdpDialect dialect, String service) {
        int before = broker.stats().workers();
        ZMQ.Socket worker = peer();
        send(worker, RawMdp.ready(dialect, service));
        Await.until("the " + dialect + " worker registered", () -> broker.stats().workers() == before + 1);
        return worker;
    }

    /** The client's routing id as the worker sees it in a REQUEST (frame after the command). */
    private static String clientAddress(ZMQ.Socket worker, MdpDialect dialect, String... body) {
        List<String> request = RawMdp.strings(MdpTestKit.receiveSkippingHeartbeats(worker, dialect));
        int address = dialect == MDP_0_2 ? 2 : 3;
        String client = request.get(address);
        assertEquals(RawMdp.request(dialect, client, body), request, RawMdp.describe(request));
        return client;
    }

    @ParameterizedTest(name = "client {0}, worker {1}")
    @MethodSource("io.zreliable.majordomo.RawMdp#dialectPairs")
    void everyRowOfTheDialectTableOverSockets(MdpDialect clientDialect, MdpDialect workerDialect) {
        startBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*"));
        ZMQ.Socket worker = worker(workerDialect, "echo");
        ZMQ.Socket client = peer();
        send(client, RawMdp.clientRequest(clientDialect, "echo", "hello", "world"));
        String address = clientAddress(worker, workerDialect, "hello", "world");

        if (workerDialect == MDP_0_1) {
            send(worker, RawMdp.finalReply(workerDialect, address, "hello", "world"));
            expect(client, clientDialect, RawMdp.clientFinal(clientDialect, "echo", "hello", "world"));
        } else {
            send(worker, RawMdp.partial(workerDialect, address, "one"));
            send(worker, RawMdp.partial(workerDialect, address, "two"));
            send(worker, RawMdp.finalReply(workerDialect, address, "three"));
            if (clientDialect == MDP_0_1) {
                expect(client, clientDialect, RawMdp.clientFinal(clientDialect, "echo", "one", "two", "three"));
            } else {
                expect(client, clientDialect, RawMdp.clientPartial(clientDialect, "echo", "one"));
                expect(client, clientDialect, RawMdp.clientPartial(clientDialect, "echo", "two"));
                expect(client, clientDialect, RawMdp.clientFinal(clientDialect, "echo", "three"));
            }
        }
        // MMI in the asker's dialect, about a worker of another one.
        send(client, RawMdp.clientRequest(clientDialect, "mmi.service", "echo"));
        expect(client, clientDialect, RawMdp.clientFinal(clientDialect, "mmi.service", "200"));
        assertEquals(0, broker.stats().dropped(), broker.stats().drops().toString());
    }

    @Test
    void aStreamTooLargeForAnMdp01ClientIsDroppedCountedAndTheBrokerServesOn() {
        startBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*").maxMessageBytes(4096));
        ZMQ.Socket worker = worker(MDP_0_2, "big");
        ZMQ.Socket client = peer();
        send(client, RawMdp.clientRequest(MDP_0_1, "big", "x"));
        String address = clientAddress(worker, MDP_0_2, "x");
        for (int i = 0; i < 3; i++) {
            send(worker, RawMdp.partial(MDP_0_2, address, "z".repeat(2000)));
        }
        send(worker, RawMdp.finalReply(MDP_0_2, address, "end"));
        Await.until("the oversized stream counted",
                () -> broker.stats().drops("streamed reply too large for MDP/0.1 client") == 1);

        send(client, RawMdp.clientRequest(MDP_0_1, "big", "y"));
        String again = clientAddress(worker, MDP_0_2, "y");
        send(worker, RawMdp.partial(MDP_0_2, again, "small"));
        send(worker, RawMdp.finalReply(MDP_0_2, again, "end"));
        expect(client, MDP_0_1, RawMdp.clientFinal(MDP_0_1, "big", "small", "end"));
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void unexpectedWorkerCommandsGetDisconnectInTheWorkersDialect(MdpDialect dialect) {
        startBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*"));
        List<List<String>> offences = new ArrayList<>(List.of(
                RawMdp.request(dialect, "client", "body"),
                RawMdp.finalReply(dialect, "client", "body"),
                RawMdp.heartbeat(dialect),
                RawMdp.worker(dialect, 0x2A)));
        if (dialect != MDP_0_1) {
            offences.add(RawMdp.partial(dialect, "client", "body"));
        }
        for (List<String> offence : offences) {
            ZMQ.Socket worker = peer();
            send(worker, offence);
            expect(worker, dialect, RawMdp.disconnect(dialect));
        }
        assertEquals(offences.size(), broker.stats().disconnectsSent());
    }

    @Test
    void badClientInputInEveryDialectIsCountedAndTheBrokerServesOn() {
        startBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*"));
        ZMQ.Socket attacker = peer();
        List<List<String>> garbage = List.of(
                List.of("MDPC02", "\u0002", "echo", "body"),
                List.of("", "MDPC02", "\u0003", "echo", "body"),
                List.of("MDPC02", "\u0001", "echo"),
                List.of("MDPC02"),
                List.of("", "MDPC02", "\u0007", "echo", "x"),
                List.of("MDPW03", "\u0001", "echo"));
        garbage.forEach(frames -> send(attacker, frames));
        Await.until("every bad message counted", () -> broker.stats().dropped() == garbage.size());

        ZMQ.Socket worker = worker(MDP_0_2_MAJORTOMO, "echo");
        ZMQ.Socket client = peer();
        send(client, RawMdp.clientRequest(MDP_0_2, "echo", "still"));
        String address = clientAddress(worker, MDP_0_2_MAJORTOMO, "still");
        send(worker, RawMdp.finalReply(MDP_0_2_MAJORTOMO, address, "here"));
        expect(client, MDP_0_2, RawMdp.clientFinal(MDP_0_2, "echo", "here"));
    }

    @Test
    void aBusyStreamingWorkerGetsTheNextRequestOnlyAfterItsFinal() {
        startBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*"));
        ZMQ.Socket worker = worker(MDP_0_2, "one-at-a-time");
        ZMQ.Socket first = peer();
        ZMQ.Socket second = peer();
        send(first, RawMdp.clientRequest(MDP_0_2, "one-at-a-time", "1"));
        String address = clientAddress(worker, MDP_0_2, "1");
        send(worker, RawMdp.partial(MDP_0_2, address, "1a"));
        expect(first, MDP_0_2, RawMdp.clientPartial(MDP_0_2, "one-at-a-time", "1a"));
        send(second, RawMdp.clientRequest(MDP_0_1, "one-at-a-time", "2"));
        Await.until("the second request queued", () -> broker.stats().queued() == 1);
        send(worker, RawMdp.finalReply(MDP_0_2, address, "1b"));
        expect(first, MDP_0_2, RawMdp.clientFinal(MDP_0_2, "one-at-a-time", "1b"));
        String secondAddress = clientAddress(worker, MDP_0_2, "2");
        send(worker, RawMdp.finalReply(MDP_0_2, secondAddress, "2a"));
        expect(second, MDP_0_1, RawMdp.clientFinal(MDP_0_1, "one-at-a-time", "2a"));
    }
}
