package io.zreliable.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * A single-threaded event loop over ZeroMQ sockets and timers: the one poll loop of the project.
 *
 * <h2>Thread contract</h2>
 * Registered sockets, timers and handlers belong to the reactor's thread (the thread inside {@link #run()}, usually
 * started with {@link #start(String)}). Before the loop runs, the owner may register sockets and schedule timers from
 * the constructing thread; once it runs, only handlers, timer tasks and commands touch them. Three methods are safe
 * from any thread: {@link #execute(Runnable)} passes a command into the loop, {@link #stop()} asks the loop to end
 * after the current step, and {@link #awaitTermination(Duration)} waits for that. Nothing here interrupts the loop's
 * thread (an interrupt would close JeroMQ's NIO channels under the sockets).
 *
 * <h2>How it polls</h2>
 * Each socket's ZMQ_FD channel is registered once with a private {@link Selector}. A step runs pending commands, then
 * due timers, then the handler of each readable socket (checked with ZMQ_EVENTS); only when nothing was ready does it
 * block in {@code select} until the next timer deadline. The loop allocates nothing per step. {@link #execute} and
 * {@link #stop} wake a blocked select with {@link Selector#wakeup()}. With up to {@value #CHECK_ALL_LIMIT} sockets
 * every step checks each socket; with more (a farm of client connections, say), a step checks only the sockets
 * whose ZMQ_FD was signalled or that still had input after their handler, plus all of them every
 * {@value #SWEEP_MILLIS} ms, so a step costs what the active sockets need, not what all of them would. A
 * signalled wake-up that finds no input (JeroMQ signals before it counts the signal) yields the core before the
 * next select, and parks briefly after many in a row, rather than spinning ({@link #emptyWakeups()} counts them).
 *
 * <p>A handler or timer task that throws is logged and the loop goes on: one bad message never kills a server.
 */
public final class Reactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reactor.class);
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** Up to this many sockets, every step checks each one's ZMQ_EVENTS (exact, and cheap for a few sockets). */
    static final int CHECK_ALL_LIMIT = 32;
    /** Above {@link #CHECK_ALL_LIMIT}, how often all sockets are checked anyway, to catch signals a send consumed. */
    static final long SWEEP_MILLIS = 10;
    /** Wake-ups in a row that found no input before the loop parks instead of yielding (see yieldToSignaller). */
    static final int YIELDS_BEFORE_PARKING = 64;
    /** How long the loop parks after that many: bounds the CPU a signal that is never counted could burn. */
    static final long PARK_NANOS = 100_000;

    private final Clock clock;
    private final Selector selector;
    private final TimerQueue timers;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private Registration[] registrations = new Registration[4];
    private int socketCount;
    /** Sockets to check in the next step when there are too many to check them all (see the class comment). */
    private final ArrayDeque<Registration> candidates = new ArrayDeque<>();
    private final Consumer<SelectionKey> onSignalled = key -> enqueue((Registration) key.attachment());
    private long nextSweepNanos;
    /** The last wait ended because a ZMQ_FD was signalled (not a timer, a command or a stop). */
    private boolean wokenBySignal;
    /** Signalled wake-ups in a row that found no input. */
    private int emptyWakeupsInARow;
    /** Signalled wake-ups that found no input, in all; written by the loop thread only. */
    private volatile long emptyWakeups;

    private volatile boolean stopRequested;
    private volatile Thread loopThread;
    private boolean closed;

    public Reactor() {
        this(Clock.system());
    }

    public Reactor(Clock clock) {
        this.clock = Require.notNull(clock, "clock");
        this.timers = new TimerQueue(clock);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the reactor", e);
        }
    }

    public Clock clock() {
        return clock;
    }

    /** Polls {@code socket} for input and calls {@code handler} when it is readable. Reactor thread only. */
    public void register(ZMQ.Socket socket, SocketHandler handler) {
        Require.notNull(socket, "socket");
        Require.notNull(handler, "handler");
        if (indexOf(socket) >= 0) {
            throw new IllegalStateException("socket is already registered with this reactor");
        }
        SelectableChannel channel = socket.getFD();
        Registration registration = new Registration(socket, handler);
        try {
            channel.configureBlocking(false);
            registration.key = channel.register(selector, SelectionKey.OP_READ, registration);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot register socket with the reactor", e);
        }
        if (socketCount == registrations.length) {
            registrations = Arrays.copyOf(registrations, socketCount * 2);
        }
        registrations[socketCount++] = registration;
        // Input may be waiting already, with its signal consumed before we listened.
        enqueue(registration);
    }

    /** Stops polling {@code socket} (it is not closed: the caller owns it). Reactor thread only. */
    public void unregister(ZMQ.Socket socket) {
        int index = indexOf(socket);
        if (index < 0) {
            return;
        }
        Registration registration = registrations[index];
        registration.active = false;
        registration.key.cancel();
        int last = socketCount - 1;
        System.arraycopy(registrations, index + 1, registrations, index, last - index);
        registrations[last] = null;
        socketCount = last;
        // Deregisters the cancelled key now, so the same channel can be registered again at once.
        try {
            selector.selectNow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        selector.selectedKeys().clear();
    }

    /** Runs {@code task} once after {@code delayMillis}. Reactor thread only. */
    public Timer schedule(long delayMillis, Runnable task) {
        Require.notNull(task, "task");
        return timers.add(task, Math.max(0L, delayMillis) * NANOS_PER_MILLI, 0L);
    }

    /** Runs {@code task} every {@code periodMillis}, the first time one period from now. Reactor thread only. */
    public Timer scheduleRepeating(long periodMillis, Runnable task) {
        Require.notNull(task, "task");
        Require.positive(periodMillis, "timer period (ms)");
        long period = periodMillis * NANOS_PER_MILLI;
        return timers.add(task, period, period);
    }

    /**
     * Passes {@code command} to the reactor's thread; it runs before the next poll. Safe from any thread. Commands
     * passed after the loop ended are never run.
     */
    public void execute(Runnable command) {
        Require.notNull(command, "command");
        commands.add(command);
        selector.wakeup();
    }

    /**
     * Starts {@link #run()} on a new daemon thread named {@code threadName}. An error that ends the loop (say a
     * {@link StackOverflowError} out of a handler) goes to {@link Contexts#fatal}: the component would be deaf.
     */
    public Thread start(String threadName) {
        Thread thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(Contexts::fatal);
        thread.start();
        return thread;
    }

    /**
     * Runs the loop on the calling thread until {@link #stop()} is called or the ZeroMQ context is closed. Handler
     * and timer failures are logged and do not end the loop.
     */
    public void run() {
        if (loopThread != null) {
            throw new IllegalStateException("reactor is already running on " + loopThread.getName());
        }
        loopThread = Thread.currentThread();
        try {
            while (!stopRequested) {
                runOnce(-1L);
            }
        } catch (ClosedSelectorException | ContextClosed e) {
            LOG.debug("reactor loop ends: its context or selector was closed");
        } finally {
            terminated.countDown();
        }
    }

    /**
     * One step of the loop: commands, due timers, readable sockets; when none of them had work, waits for input or
     * the next timer, at most {@code maxWaitMillis} (negative: no limit but the next timer). Exposed so tests can
     * step a reactor deterministically, e.g. with a {@link ManualClock}.
     *
     * @return how many commands, timers and handlers ran
     */
    public int runOnce(long maxWaitMillis) {
        int work = runCommands();
        if (stopRequested) {
            return work;
        }
        work += timers.runDue(clock.nanoTime(), this::logFailure);
        work += dispatchReadable();
        if (work == 0 && commands.isEmpty() && !stopRequested) {
            if (wokenBySignal) {
                yieldToSignaller();
            }
            wokenBySignal = waitForEvents(maxWaitMillis) > 0;
        } else {
            wokenBySignal = false;
            emptyWakeupsInARow = 0;
        }
        return work;
    }

    /** Asks the loop to end after its current step. Safe from any thread; does not close any socket. */
    public void stop() {
        stopRequested = true;
        selector.wakeup();
    }

    public boolean isStopRequested() {
        return stopRequested;
    }

    /** Waits until a loop started with {@link #run()} or {@link #start(String)} has returned. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        if (loopThread == null) {
            return true;
        }
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True when the caller runs on the reactor's loop thread. */
    public boolean inReactorThread() {
        return Thread.currentThread() == loopThread;
    }

    /** Stops the loop, waits for it (up to 10 s) and releases the selector. Registered sockets are not closed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stop();
        if (loopThread != null && !inReactorThread()) {
            try {
                if (!awaitTermination(Duration.ofSeconds(10))) {
                    LOG.warn("reactor thread {} did not stop within 10 s", loopThread.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timers.clear();
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the reactor's selector failed", e);
        }
    }

    private int runCommands() {
        int ran = 0;
        Runnable command;
        while ((command = commands.poll()) != null) {
            ran++;
            try {
                command.run();
            } catch (RuntimeException e) {
                logFailure("command", e);
            }
        }
        return ran;
    }

    private int dispatchReadable() {
        return socketCount <= CHECK_ALL_LIMIT ? checkAll() : checkCandidates();
    }

    /** Few sockets: ask each one. A handler may unregister sockets, so the bound is re-read every time. */
    private int checkAll() {
        int ran = 0;
        for (int i = 0; i < socketCount; i++) {
            Registration registration = registrations[i];
            if (isReadable(registration)) {
                ran++;
                handle(registration);
            }
        }
        Registration signalled;
        while ((signalled = candidates.poll()) != null) {
            signalled.queued = false; // all were just checked
        }
        return ran;
    }

    /**
     * Many sockets: ask only those whose ZMQ_FD was signalled, those still readable after their handler ran, and
     * all of them once per {@link #SWEEP_MILLIS} (a send on a socket can consume its signal for input that arrived
     * meanwhile; the sweep bounds that delay). Cost per step grows with the active sockets, not with all of them.
     */
    private int checkCandidates() {
        harvestSignals();
        long now = System.nanoTime();
        if (now - nextSweepNanos >= 0) {
            nextSweepNanos = now + SWEEP_MILLIS * NANOS_PER_MILLI;
            for (int i = 0; i < socketCount; i++) {
                enqueue(registrations[i]);
            }
        }
        int ran = 0;
        for (int n = candidates.size(); n > 0; n--) {
            Registration registration = candidates.poll();
            registration.queued = false;
            if (!isReadable(registration)) {
                continue;
            }
            ran++;
            handle(registration);
            if (isReadable(registration)) {
                enqueue(registration); // more input than the handler took: next step, after the others
            }
        }
        return ran;
    }

    private boolean isReadable(Registration registration) {
        return registration.active && (events(registration.socket) & ZMQ.Poller.POLLIN) != 0;
    }

    private void handle(Registration registration) {
        try {
            registration.handler.onReadable(registration.socket);
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                throw new ContextClosed();
            }
            logFailure("socket handler", e);
        } catch (RuntimeException e) {
            logFailure("socket handler", e);
        }
    }

    private void harvestSignals() {
        try {
            selector.selectNow(onSignalled);
        } catch (IOException e) {
            throw new UncheckedIOException("reactor select failed", e);
        }
    }

    private void enqueue(Registration registration) {
        if (registration.active && !registration.queued) {
            registration.queued = true;
            candidates.add(registration);
        }
    }

    private int events(ZMQ.Socket socket) {
        try {
            return socket.getEvents();
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                throw new ContextClosed();
            }
            throw e;
        } catch (IllegalStateException e) {
            // JeroMQ throws this for a socket whose context is gone.
            throw new ContextClosed();
        }
    }

    /**
     * A ZMQ_FD woke the loop and yet no socket had input. JeroMQ's signaller writes its wake-up byte before it counts
     * it, and ZMQ_EVENTS trusts the count: a reader woken in between sees a readable descriptor and nothing to read,
     * so select returns at once, again and again, until the writer (often preempted by this very wake-up, on the
     * same core) runs again. Giving the core away lets it finish instead of being starved by the spin; should the
     * count never come, parking after {@value #YIELDS_BEFORE_PARKING} such wake-ups in a row bounds the waste.
     */
    private void yieldToSignaller() {
        emptyWakeups++;
        if (++emptyWakeupsInARow <= YIELDS_BEFORE_PARKING) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS);
        }
    }

    /** Wake-ups by a signalled socket that then had no input (see the class comment); safe from any thread. */
    public long emptyWakeups() {
        return emptyWakeups;
    }

    /** @return how many sockets were signalled (0 on a timeout, a wake-up for a command, or a stop) */
    private int waitForEvents(long maxWaitMillis) {
        long untilTimer = timers.nanosUntilNext(clock.nanoTime());
        long waitMillis;
        if (untilTimer < 0) {
            waitMillis = maxWaitMillis;
        } else {
            // Round up so a timer is never polled for a moment too early (which would spin).
            long timerMillis = (untilTimer + NANOS_PER_MILLI - 1) / NANOS_PER_MILLI;
            waitMillis = maxWaitMillis < 0 ? timerMillis : Math.min(timerMillis, maxWaitMillis);
        }
        if (socketCount > CHECK_ALL_LIMIT) {
            waitMillis = waitMillis < 0 ? SWEEP_MILLIS : Math.min(waitMillis, SWEEP_MILLIS);
        }
        try {
            if (waitMillis == 0) {
                return selector.selectNow(onSignalled);
            } else if (waitMillis < 0) {
                return selector.select(onSignalled);
            } else {
                return selector.select(onSignalled, waitMillis);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reactor select failed", e);
        }
    }

    private int indexOf(ZMQ.Socket socket) {
        for (int i = 0; i < socketCount; i++) {
            if (registrations[i].socket == socket) {
                return i;
            }
        }
        return -1;
    }

    private void logFailure(String what, RuntimeException e) {
        LOG.error("{} failed in reactor loop; the loop goes on", what, e);
    }

    /** The sockets' context was closed under the loop: end it quietly. */
    private static final class ContextClosed extends RuntimeException {
        ContextClosed() {
            super(null, null, false, false);
        }
    }

    /** One registered socket: its handler, its selection key, and whether it waits in {@code candidates}. */
    private static final class Registration {
        final ZMQ.Socket socket;
        final SocketHandler handler;
        SelectionKey key;
        boolean queued;
        boolean active = true;

        Registration(ZMQ.Socket socket, SocketHandler handler) {
            this.socket = socket;
            this.handler = handler;
        }
    }
}
