package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** The broker against hand-made MDP frames: protocol errors, garbage, heartbeats, expiry, limits, MMI. */
class BrokerProtocolTest {
    private final MdpTestKit kit = new MdpTestKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private static void assertDisconnect(ZMQ.Socket worker) {
        ZMsg msg = MdpTestKit.receiveSkippingHeartbeats(worker);
        assertEquals(3, msg.size(), msg.toString());
        assertEquals(0, msg.pop().size());
        assertArrayEquals(MdpProtocol.workerHeader(), msg.pop().getData());
        assertArrayEquals(new byte[] {MdpProtocol.DISCONNECT}, msg.pop().getData());
    }

    @Test
    void invalidWorkerCommandsAreAnsweredWithDisconnect() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);

        ZMQ.Socket replyFirst = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.REPLY, "client", "", "body").send(replyFirst);
        assertDisconnect(replyFirst);

        ZMQ.Socket readyTwice = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(readyTwice);
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(readyTwice);
        assertDisconnect(readyTwice);
        Await.until("the worker dropped", () -> broker.stats().workers() == 0);

        ZMQ.Socket unknownCommand = kit.dealer(endpoint);
        MdpTestKit.workerCommand((byte) 0x2A).send(unknownCommand);
        assertDisconnect(unknownCommand);

        ZMQ.Socket requestFromWorker = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.REQUEST, "client", "", "body").send(requestFromWorker);
        assertDisconnect(requestFromWorker);

        ZMQ.Socket reservedName = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "mmi.service").send(reservedName);
        assertDisconnect(reservedName);

        ZMQ.Socket malformedReady = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY).send(malformedReady);
        assertDisconnect(malformedReady);

        assertEquals(6, broker.stats().disconnectsSent());
        assertEquals(0, broker.stats().workers());
    }

    @Test
    void garbageNeverCrashesTheBrokerAndItStillServes() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket attacker = kit.dealer(endpoint);

        ZMsg.newStringMsg("no delimiter").send(attacker);
        ZMsg.newStringMsg("", "NOTMDP", "x").send(attacker);
        ZMsg.newStringMsg("").send(attacker);
        MdpTestKit.clientRequest("echo").send(attacker);
        MdpTestKit.clientRequest("", "body").send(attacker);
        MdpTestKit.clientRequest("x".repeat(300), "body").send(attacker);
        ZMsg binary = new ZMsg();
        binary.add(new byte[0]);
        binary.add(MdpProtocol.clientHeader());
        binary.add(new byte[] {(byte) 0xFF, 0x00, (byte) 0xC3});
        binary.send(attacker);
        attacker.send(new byte[70_000], 0);
        Await.until("every garbage message counted", () -> broker.stats().dropped() == 8);

        kit.echoWorker(endpoint, "echo");
        assertEquals("still here", kit.client(endpoint, 5_000, 3).send("echo", "still here"));
        assertTrue(broker.stats().drops("missing delimiter") >= 1, broker.stats().drops().toString());
        assertEquals(1, broker.stats().drops("unknown header"), broker.stats().drops().toString());
    }

    @Test
    void brokerHeartbeatsIdleWorkersAndAnswersAnUnknownWorkersHeartbeatWithDisconnect() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket worker = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(worker);

        ZMsg heartbeat = MdpTestKit.receive(worker);
        assertEquals(3, heartbeat.size());
        heartbeat.pop();
        heartbeat.pop();
        assertArrayEquals(new byte[] {MdpProtocol.HEARTBEAT}, heartbeat.pop().getData());

        ZMQ.Socket stranger = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.HEARTBEAT).send(stranger);
        assertDisconnect(stranger);
    }

    @Test
    void silentWorkersExpireAndTheirServiceIsForgotten() {
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(HeartbeatConfig.builder().intervalMillis(50).liveness(3).build()));
        ZMQ.Socket worker = kit.dealer(broker.endpoints().get(0));
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(worker);

        Await.until("the silent worker expired", () -> broker.stats().workersExpired() == 1);

        assertEquals(0, broker.stats().workers());
        assertEquals(0, broker.stats().services());
    }

    @Test
    void fullQueuesDropAndCountTheNewestRequest() {
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(MdpTestKit.HEARTBEAT).maxQueuePerService(2).maxQueue(3));
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket client = kit.dealer(endpoint);
        for (int i = 0; i < 3; i++) {
            MdpTestKit.clientRequest("a", "a" + i).send(client);
        }
        for (int i = 0; i < 2; i++) {
            MdpTestKit.clientRequest("b", "b" + i).send(client);
        }
        Await.until("two drops", () -> broker.stats().dropped() == 2);
        assertEquals(1, broker.stats().drops("service queue full"));
        assertEquals(1, broker.stats().drops("queue full"));
        assertEquals(3, broker.stats().queued());

        kit.echoWorker(endpoint, "a");
        for (String expected : new String[] {"a0", "a1"}) {
            ZMsg reply = MdpTestKit.receive(client);
            assertEquals(4, reply.size());
            reply.pop();
            assertArrayEquals(MdpProtocol.clientHeader(), reply.pop().getData());
            assertEquals("a", reply.popString());
            assertEquals(expected, reply.popString());
        }
    }

    @Test
    void mmiAnswersServiceDiscoveryAndItsExtras() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        kit.echoWorker(endpoint, "echo");
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 5_000, 3);

        assertEquals("200", client.send("mmi.service", "echo"));
        assertEquals("404", client.send("mmi.service", "nothing"));
        assertEquals("501", client.send("mmi.nonsense", "echo"));
        assertEquals("1", client.send("mmi.workers", "echo"));
        assertEquals("0", client.send("mmi.workers", "nothing"));
        ZMQ.Socket raw = kit.dealer(endpoint);
        MdpTestKit.clientRequest("nothing", "waits").send(raw);
        Await.until("the request queued", () -> broker.stats().queued() == 1);
        assertEquals("1", client.send("mmi.queue", "nothing"));
    }

    @Test
    void closingTheBrokerSendsDisconnectToEveryWorker() {
        // These raw workers never heartbeat: a long liveness keeps a slow machine from expiring them mid-test.
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(HeartbeatConfig.builder().intervalMillis(1000).liveness(60).build()));
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket idle = kit.dealer(endpoint);
        ZMQ.Socket busy = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(idle);
        MdpTestKit.workerCommand(MdpProtocol.READY, "other").send(busy);
        Await.until("both workers registered", () -> broker.stats().workers() == 2);
        MdpTestKit.clientRequest("other", "job").send(kit.dealer(endpoint));
        ZMsg request = MdpTestKit.receiveSkippingHeartbeats(busy);
        assertEquals(6, request.size());

        broker.close();

        assertDisconnect(idle);
        assertDisconnect(busy);
    }

    @Test
    void aBrokerThatCannotBindSaysWhich() {
        MajordomoBroker first = kit.broker("tcp://127.0.0.1:*");
        String taken = first.endpoints().get(0);
        MajordomoBroker second = new MajordomoBroker(BrokerConfig.builder().bind(taken).build());

        IllegalStateException e = assertThrows(IllegalStateException.class,
                second::start);

        assertTrue(e.getMessage().contains("cannot bind broker endpoint " + taken), e.getMessage());
        second.close();
    }

    @Test
    void requestsThatWaitedLongerThanTheirTtlAreDiscardedNotServed() {
        ManualClock clock = new ManualClock();
        MajordomoBroker broker = kit.broker(new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(MdpTestKit.HEARTBEAT).requestTtl(Duration.ofSeconds(10)).build(), clock));
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket client = kit.dealer(endpoint);
        MdpTestKit.clientRequest("late", "stale").send(client);
        Await.until("the first request queued", () -> broker.stats().queued() == 1);

        clock.advanceMillis(11_000);
        MdpTestKit.clientRequest("late", "fresh").send(client);
        Await.until("the stale request discarded", () -> broker.stats().drops("request expired") == 1);
        assertEquals(1, broker.stats().queued());

        ZMQ.Socket worker = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "late").send(worker);
        ZMsg request = MdpTestKit.receiveSkippingHeartbeats(worker);
        assertEquals(6, request.size(), request.toString());
        assertEquals("fresh", request.getLast().getString(ZMQ.CHARSET));
    }

    @Test
    void oversizedRequestsAreDroppedAndOversizedRepliesDisconnectTheWorker() {
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(MdpTestKit.HEARTBEAT).maxMessageBytes(1_000));
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket worker = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(worker);
        ZMQ.Socket client = kit.dealer(endpoint);

        MdpTestKit.clientRequest("echo", "x".repeat(600), "y".repeat(600)).send(client);
        Await.until("the oversized request dropped", () -> broker.stats().drops("message too large") == 1);
        MdpTestKit.clientRequest("echo", "small").send(client);
        ZMsg request = MdpTestKit.receiveSkippingHeartbeats(worker);
        assertEquals("small", request.getLast().getString(ZMQ.CHARSET));

        MdpTestKit.workerCommand(MdpProtocol.REPLY, "client", "", "z".repeat(600), "z".repeat(600)).send(worker);
        assertDisconnect(worker);
        assertEquals(2, broker.stats().drops("message too large"));
        assertEquals(0, broker.stats().workers());
    }
}
