package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Eventually;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Each broker bound reached on purpose over real sockets: the broker stays within it and keeps serving. */
class BrokerLimitsTest {
    private final MdpTestKit kit = new MdpTestKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    private MajordomoBroker broker(BrokerConfig.Builder config) {
        return kit.broker(config.bind("tcp://127.0.0.1:*").heartbeat(MdpTestKit.HEARTBEAT));
    }

    @Test
    void aFloodForAServiceWithoutWorkersNeverQueuesPastTheCaps() {
        MajordomoBroker broker = broker(BrokerConfig.builder().maxQueuePerService(50).maxQueue(80));
        String endpoint = broker.endpoints().get(0);
        ZMQ.Socket flooder = kit.dealer(endpoint);
        flooder.setSendTimeOut(-1);
        for (int i = 0; i < 3_000; i++) {
            MdpTestKit.clientRequest("nobody", "flood " + i).send(flooder);
        }
        Await.until("the flood read", () -> broker.stats().requests() == 3_000);
        assertEquals(50, broker.stats().queued());
        assertEquals(2_950, broker.stats().drops("service queue full"));

        for (int i = 0; i < 1_000; i++) {
            MdpTestKit.clientRequest("nobody-" + (i % 5), "more " + i).send(flooder);
        }
        Await.until("the second flood read", () -> broker.stats().requests() == 4_000);
        assertEquals(80, broker.stats().queued(), "the broker-wide cap holds: " + broker.stats());
        assertEquals(970, broker.stats().drops("queue full"));

        // Still serving: a worker for the flooded service drains exactly the capped queue.
        kit.echoWorker(endpoint, "nobody");
        Await.until("the capped queue served", () -> broker.stats().replies() == 50);
        assertEquals(30, broker.stats().queued(), "the other services' requests still wait");
    }

    @Test
    void workersBeyondTheCapGetDisconnect() {
        MajordomoBroker broker = broker(BrokerConfig.builder().maxWorkers(2));
        String endpoint = broker.endpoints().get(0);
        for (int i = 0; i < 2; i++) {
            MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(kit.dealer(endpoint));
        }
        Await.until("two workers", () -> broker.stats().workers() == 2);
        ZMQ.Socket third = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "echo").send(third);
        ZMsg answer = MdpTestKit.receiveSkippingHeartbeats(third);
        answer.pop();
        answer.pop();
        assertArrayEquals(new byte[] {MdpProtocol.DISCONNECT}, answer.pop().getData());
        assertEquals(2, broker.stats().workers());
    }

    @Test
    void servicesBeyondTheCapAreRefused() {
        MajordomoBroker broker = broker(BrokerConfig.builder().maxServices(3));
        ZMQ.Socket client = kit.dealer(broker.endpoints().get(0));
        for (int i = 0; i < 10; i++) {
            MdpTestKit.clientRequest("service-" + i, "x").send(client);
        }
        Await.until("ten requests read", () -> broker.stats().requests() == 10);
        assertEquals(3, broker.stats().services());
        assertEquals(7, broker.stats().drops("too many services"));
    }

    @Test
    void messagesWithTooManyFramesAreDroppedAndWorkersSendingThemDisconnected() {
        MajordomoBroker broker = broker(BrokerConfig.builder().maxFrames(20));
        String endpoint = broker.endpoints().get(0);
        kit.echoWorker(endpoint, "echo");
        ZMQ.Socket client = kit.dealer(endpoint);
        String[] body = new String[30];
        java.util.Arrays.fill(body, "f");
        MdpTestKit.clientRequest("echo", body).send(client);
        Await.until("the drop", () -> broker.stats().drops("message too large") == 1);
        MdpTestKit.clientRequest("echo", "small").send(client);
        ZMsg reply = MdpTestKit.receive(client);
        assertEquals("small", reply.getLast().getString(ZMQ.CHARSET));

        ZMQ.Socket worker = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "many").send(worker);
        MdpTestKit.workerCommand(MdpProtocol.HEARTBEAT, body).send(worker);
        ZMsg answer = MdpTestKit.receiveSkippingHeartbeats(worker);
        answer.pop();
        answer.pop();
        assertArrayEquals(new byte[] {MdpProtocol.DISCONNECT}, answer.pop().getData());
    }

    @Test
    void repliesToAClientThatDoesNotReadStopAtTheHighWaterMarkWhileOthersAreServed() {
        MajordomoBroker broker = broker(BrokerConfig.builder().highWaterMark(10));
        String endpoint = broker.endpoints().get(0);
        String big = "x".repeat(64 * 1024);
        AtomicInteger handled = new AtomicInteger();
        kit.worker(endpoint, "big", request -> {
            handled.incrementAndGet();
            return ZMsg.newStringMsg(big);
        });
        ZMQ.Socket sleeper = kit.context.createSocket(org.zeromq.SocketType.DEALER);
        sleeper.setLinger(0);
        sleeper.setRcvHWM(10);      // before connect: a pipe takes the high-water mark it is created with
        sleeper.connect(endpoint);
        int sent = 400;
        for (int i = 0; i < sent; i++) {
            MdpTestKit.clientRequest("big", "r" + i).send(sleeper);
        }
        // 25 MiB of replies on a loaded machine: a minute, and say where it stood if that is not enough.
        Eventually.until("every request handled", Duration.ofSeconds(60),
                () -> handled.get() == sent, () -> "handled " + handled.get() + ", broker " + broker.stats());
        MajordomoClient other = kit.client(endpoint, 10_000, 2);
        assertEquals(big, other.send("big", "awake"), "others are still served");

        int received = 0;
        sleeper.setReceiveTimeOut(500);
        while (sleeper.recv() != null) {
            received++;
            while (sleeper.hasReceiveMore()) {
                sleeper.recv();
            }
        }
        // 400 x 64 KiB is far more than the queues (10 + 10 messages) and the TCP buffers hold.
        assertTrue(received < sent, "replies beyond the high-water mark were dropped, got " + received);
        assertTrue(received > 0);
        // ... and every one of them is counted, so the drop is visible without debug logging.
        assertEquals(sent - received, broker.stats().drops("peer not reading (high-water mark)"),
                broker.stats().drops().toString());
    }

    /**
     * One async client sends 150,000 requests as fast as the socket takes them, reading replies only when it would
     * otherwise wait; one worker serves them. Default limits: every request is answered, nothing dropped.
     */
    @Test
    void aBurstOf150000RequestsThroughOneWorkerIsAllAnsweredWithDefaultLimits() {
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(MdpTestKit.HEARTBEAT));
        String endpoint = broker.endpoints().get(0);
        kit.echoWorker(endpoint, "echo");
        int total = 150_000;
        ZMQ.Socket client = kit.dealer(endpoint);
        ZMQ.Poller poller = kit.context.createPoller(1);
        poller.register(client, ZMQ.Poller.POLLIN | ZMQ.Poller.POLLOUT);
        int sent = 0;
        int answered = 0;
        boolean allSent = false;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (answered < total) {
            assertTrue(System.nanoTime() < deadline, () -> "out of time; broker " + broker.stats());
            poller.poll(1000);
            while (sent < total && (client.getEvents() & ZMQ.Poller.POLLOUT) != 0) {
                MdpTestKit.clientRequest("echo", "request " + sent).send(client, true);
                sent++;
            }
            ZMsg reply;
            while ((reply = ZMsg.recvMsg(client, ZMQ.DONTWAIT)) != null) {
                assertEquals("request " + answered, reply.getLast().getString(ZMQ.CHARSET), "replies in order");
                answered++;
            }
            if (sent == total && !allSent) {
                allSent = true;
                poller.unregister(client);
                poller.register(client, ZMQ.Poller.POLLIN);
            }
        }
        poller.close();
        BrokerStats stats = broker.stats();
        assertEquals(0, stats.dropped(), stats.drops().toString());
        assertEquals(total, stats.replies());
    }
}
