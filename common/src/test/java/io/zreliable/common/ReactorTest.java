package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class ReactorTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ZContext ctx;

    @BeforeEach
    void setUp() {
        ctx = new ZContext();
    }

    @AfterEach
    void tearDown() {
        ctx.close();
    }

    @Test
    void aSignalJeromqNeverCountsNeitherStopsTheLoopNorMakesItSpin() throws Exception {
        ZMQ.Socket server = ctx.createSocket(SocketType.PULL);
        ZMQ.Socket client = pushTo(server);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (Reactor reactor = new Reactor()) {
            reactor.register(server, s -> received.add(s.recvStr()));
            // The race's window, held open for good: a wake-up byte in the socket's signal pipe that JeroMQ never
            // counted, so its descriptor stays readable while ZMQ_EVENTS reports nothing.
            writeUncountedSignal(server);
            reactor.start("stuck-signal-reactor");

            Eventually.until("the loop to see empty wake-ups", WAIT, () -> reactor.emptyWakeups() > 2L
                    * Reactor.YIELDS_BEFORE_PARKING);
            for (int i = 0; i < 20; i++) {
                client.send("m" + i);
                assertEquals("m" + i, received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
            CountDownLatch timerFired = new CountDownLatch(1);
            reactor.execute(() -> reactor.schedule(10, timerFired::countDown));
            assertTrue(timerFired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "timers still fire");
        }
    }

    /** A PUSH socket connected over loopback TCP to {@code pull}, which is bound to a random port first. */
    private ZMQ.Socket pushTo(ZMQ.Socket pull) {
        int port = pull.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket push = ctx.createSocket(SocketType.PUSH);
        push.connect("tcp://127.0.0.1:" + port);
        return push;
    }

    /** Writes one byte into the socket's mailbox pipe the way JeroMQ's Signaler does, but without counting it. */
    private static void writeUncountedSignal(ZMQ.Socket socket) throws Exception {
        Object mailbox = field(socket.base(), zmq.SocketBase.class, "mailbox");
        Object signaler = field(mailbox, mailbox.getClass(), "signaler");
        java.nio.channels.Pipe.SinkChannel pipe =
                (java.nio.channels.Pipe.SinkChannel) field(signaler, signaler.getClass(), "w");
        assertEquals(1, pipe.write(java.nio.ByteBuffer.wrap(new byte[] {0})));
    }

    private static Object field(Object owner, Class<?> type, String name) throws Exception {
        java.lang.reflect.Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    @Test
    void callsHandlerForEachMessageOverTcp() throws Exception {
        ZMQ.Socket server = ctx.createSocket(SocketType.PULL);
        ZMQ.Socket client = pushTo(server);

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (Reactor reactor = new Reactor()) {
            reactor.register(server, s -> received.add(s.recvStr()));
            reactor.start("test-reactor");
            for (int i = 0; i < 100; i++) {
                client.send("m" + i);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals("m" + i, received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void oneShotTimerFiresOnceAndRepeatingTimerKeepsFiring() throws Exception {
        CountDownLatch oneShot = new CountDownLatch(1);
        AtomicInteger oneShotRuns = new AtomicInteger();
        CountDownLatch repeats = new CountDownLatch(5);
        AtomicInteger repeatingRuns = new AtomicInteger();
        try (Reactor reactor = new Reactor()) {
            reactor.schedule(5, () -> {
                oneShotRuns.incrementAndGet();
                oneShot.countDown();
            });
            reactor.scheduleRepeating(2, () -> {
                repeatingRuns.incrementAndGet();
                repeats.countDown();
            });
            reactor.start("timer-reactor");
            assertTrue(oneShot.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(repeats.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            reactor.stop();
            assertTrue(reactor.awaitTermination(WAIT));
        }
        assertEquals(1, oneShotRuns.get());
        assertTrue(repeatingRuns.get() >= 5);
    }

    @Test
    void timersFireInDeadlineOrderOnAManualClock() {
        ManualClock clock = new ManualClock();
        List<String> fired = new ArrayList<>();
        try (Reactor reactor = new Reactor(clock)) {
            reactor.schedule(30, () -> fired.add("c"));
            reactor.schedule(10, () -> fired.add("a"));
            Timer cancelled = reactor.schedule(15, () -> fired.add("cancelled"));
            reactor.schedule(20, () -> fired.add("b"));
            Timer repeating = reactor.scheduleRepeating(25, () -> fired.add("r"));
            cancelled.cancel();

            reactor.runOnce(0);
            assertEquals(List.of(), fired, "nothing is due at t=0");

            clock.advanceMillis(10);
            reactor.runOnce(0);
            assertEquals(List.of("a"), fired);

            clock.advanceMillis(20);
            reactor.runOnce(0);
            assertEquals(List.of("a", "b", "r", "c"), fired);

            clock.advanceMillis(25);
            reactor.runOnce(0);
            assertEquals(List.of("a", "b", "r", "c", "r"), fired);
            assertTrue(repeating.isScheduled());
            assertFalse(cancelled.isScheduled());

            repeating.cancel();
            clock.advanceMillis(100);
            reactor.runOnce(0);
            assertEquals(5, fired.size(), "a cancelled repeating timer stays quiet");
        }
    }

    @Test
    void rescheduleMovesATimerBothWays() {
        ManualClock clock = new ManualClock();
        AtomicInteger runs = new AtomicInteger();
        try (Reactor reactor = new Reactor(clock)) {
            Timer timer = reactor.schedule(10, runs::incrementAndGet);
            clock.advanceMillis(8);
            timer.rescheduleMillis(10);
            clock.advanceMillis(8);
            reactor.runOnce(0);
            assertEquals(0, runs.get(), "pushed back: not due yet");
            timer.rescheduleMillis(0);
            reactor.runOnce(0);
            assertEquals(1, runs.get());
            assertFalse(timer.isScheduled());
            timer.rescheduleMillis(5);
            clock.advanceMillis(5);
            reactor.runOnce(0);
            assertEquals(2, runs.get(), "a fired one-shot timer can be armed again");
        }
    }

    @Test
    void stopFromAnotherThreadEndsABlockedLoop() throws Exception {
        ZMQ.Socket quiet = ctx.createSocket(SocketType.PULL);
        quiet.bindToRandomPort("tcp://127.0.0.1");
        Reactor reactor = new Reactor();
        reactor.register(quiet, s -> s.recv());
        Thread thread = reactor.start("blocked-reactor");
        // The loop has no timer and no traffic: it sits in select with no deadline until stop() wakes it.
        reactor.stop();
        assertTrue(reactor.awaitTermination(WAIT));
        thread.join(WAIT.toMillis());
        assertFalse(thread.isAlive());
        reactor.close();
        // The socket was not corrupted by the stop: it still works from this thread.
        quiet.setReceiveTimeOut(0);
        assertEquals(null, quiet.recv());
    }

    @Test
    void executeRunsCommandsOnTheReactorThreadInOrder() throws Exception {
        List<Integer> order = new ArrayList<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (Reactor reactor = new Reactor()) {
            Thread loop = reactor.start("command-reactor");
            for (int i = 0; i < 1000; i++) {
                int n = i;
                reactor.execute(() -> order.add(n));
            }
            reactor.execute(() -> {
                ranOn.set(Thread.currentThread());
                done.countDown();
            });
            assertTrue(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertSame(loop, ranOn.get());
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void aFailingHandlerOrTimerDoesNotEndTheLoop() throws Exception {
        ZMQ.Socket server = ctx.createSocket(SocketType.PULL);
        ZMQ.Socket client = pushTo(server);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch timerRanAfterFailure = new CountDownLatch(1);
        try (Reactor reactor = new Reactor()) {
            reactor.register(server, s -> {
                String msg = s.recvStr();
                if (msg.equals("boom")) {
                    throw new IllegalStateException("handler failure on purpose");
                }
                received.add(msg);
            });
            reactor.schedule(1, () -> {
                throw new IllegalStateException("timer failure on purpose");
            });
            reactor.schedule(2, timerRanAfterFailure::countDown);
            reactor.start("failing-reactor");
            client.send("boom");
            client.send("after");
            assertEquals("after", received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(timerRanAfterFailure.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void unregisteredSocketIsNoLongerPolled() throws Exception {
        ZMQ.Socket first = ctx.createSocket(SocketType.PULL);
        int firstPort = first.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket second = ctx.createSocket(SocketType.PULL);
        int secondPort = second.bindToRandomPort("tcp://127.0.0.1");
        ZMQ.Socket toFirst = ctx.createSocket(SocketType.PUSH);
        toFirst.connect("tcp://127.0.0.1:" + firstPort);
        ZMQ.Socket toSecond = ctx.createSocket(SocketType.PUSH);
        toSecond.connect("tcp://127.0.0.1:" + secondPort);

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        try (Reactor reactor = new Reactor()) {
            reactor.register(first, s -> {
                received.add("first:" + s.recvStr());
                reactor.unregister(s);
            });
            reactor.register(second, s -> received.add("second:" + s.recvStr()));
            reactor.start("unregister-reactor");
            toFirst.send("1");
            assertEquals("first:1", received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            toFirst.send("2");
            toSecond.send("3");
            assertEquals("second:3", received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            // "2" waits in the first socket, unread: the second socket's message came through on its own.
            reactor.stop();
            assertTrue(reactor.awaitTermination(WAIT));
        }
        assertTrue(received.isEmpty());
        first.setReceiveTimeOut(1000);
        assertEquals("2", first.recvStr());
    }

    @Test
    void registeringTheSameSocketTwiceIsRefused() {
        ZMQ.Socket socket = ctx.createSocket(SocketType.PULL);
        try (Reactor reactor = new Reactor()) {
            reactor.register(socket, s -> s.recv());
            assertThrows(IllegalStateException.class, () -> reactor.register(socket, s -> s.recv()));
        }
    }
}
