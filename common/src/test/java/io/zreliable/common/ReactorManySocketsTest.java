package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** A reactor with more sockets than it checks one by one each step: nothing may be missed or stall. */
class ReactorManySocketsTest {
    private static final int SOCKETS = Reactor.CHECK_ALL_LIMIT * 4;
    private static final long WAIT_SECONDS = 20;

    private final ZContext ctx = new ZContext();

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void everyMessageToEverySocketIsHandledWhateverTheOrder() throws Exception {
        int perSocket = 20;
        List<ZMQ.Socket> senders = new ArrayList<>();
        AtomicIntegerArray counts = new AtomicIntegerArray(SOCKETS);
        CountDownLatch all = new CountDownLatch(SOCKETS * perSocket);
        try (Reactor reactor = new Reactor()) {
            for (int i = 0; i < SOCKETS; i++) {
                ZMQ.Socket pull = ctx.createSocket(SocketType.PULL);
                pull.bind("inproc://many-" + i);
                int index = i;
                // Reads ONE message per call: the reactor must come back for the rest without a new signal.
                reactor.register(pull, s -> {
                    s.recv(0);
                    counts.incrementAndGet(index);
                    all.countDown();
                });
                ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
                push.connect("inproc://many-" + i);
                senders.add(push);
            }
            reactor.start("many-sockets");
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < SOCKETS * perSocket; i++) {
                order.add(i % SOCKETS);
            }
            Collections.shuffle(order, new Random(42));
            for (int target : order) {
                senders.get(target).send("x");
            }
            assertTrue(all.await(WAIT_SECONDS, TimeUnit.SECONDS), "handled " + (SOCKETS * perSocket - all.getCount()));
            for (int i = 0; i < SOCKETS; i++) {
                assertEquals(perSocket, counts.get(i), "socket " + i);
            }
        }
    }

    @Test
    void socketsThatReplyOnTheirOwnSocketKeepPingPongingOverTcp() throws Exception {
        int rounds = 30;
        ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
        int port = router.bindToRandomPort("tcp://127.0.0.1");
        CompletableFuture<Void> connected = new CompletableFuture<>();
        try (Reactor reactor = new Reactor()) {
            reactor.start("ping-pong");
            reactor.execute(() -> {
                for (int i = 0; i < SOCKETS; i++) {
                    ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
                    dealer.setIdentity(("d" + i).getBytes());
                    dealer.connect("tcp://127.0.0.1:" + port);
                    // Echo on the same socket: the send may consume the signal of input that arrived meanwhile.
                    reactor.register(dealer, s -> {
                        byte[] frame;
                        while ((frame = s.recv(ZMQ.DONTWAIT)) != null) {
                            s.send(frame, 0);
                        }
                    });
                    dealer.send("hello");
                }
                connected.complete(null);
            });
            connected.get(WAIT_SECONDS, TimeUnit.SECONDS);
            router.setReceiveTimeOut((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            int[] seen = new int[SOCKETS];
            for (int message = 0; message < SOCKETS * rounds; message++) {
                ZMsg msg = ZMsg.recvMsg(router);
                assertTrue(msg != null, "no echo after " + message + " messages");
                int dealer = Integer.parseInt(msg.getFirst().getString(ZMQ.CHARSET).substring(1));
                if (++seen[dealer] < rounds) {
                    msg.send(router);
                }
            }
            for (int count : seen) {
                assertEquals(rounds, count);
            }
        }
    }
}
