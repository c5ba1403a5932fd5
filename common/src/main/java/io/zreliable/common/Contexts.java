package io.zreliable.common;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

/**
 * Creates every ZeroMQ context of the project, so that none runs without a handler for JeroMQ's own thread
 * failures.
 *
 * <p>JeroMQ 0.6.0 reports two kinds: an I/O thread that died ({@link ZContext#setUncaughtExceptionHandler}), and an
 * exception thrown by one connection's engine inside an I/O thread that carries on
 * ({@link ZContext#setNotificationExceptionHandler}). The second is as bad as the first: the engine stopped half-way
 * through its input and the sockets it served stay deaf (this is what the decoder bug of CVE-2019-6250 does). Both go
 * to the {@linkplain #fatalHandler() fatal handler}, whose default logs at ERROR and exits the process with status 1,
 * so that a supervisor restarts a server rather than leaving it alive and deaf. An application that rebuilds its
 * components itself installs its own handler with {@link #onFatal}. Two kinds of report are not fatal and are only
 * logged, rate-limited: selector hiccups JeroMQ recovers from (a key cancelled or a channel closed under it), and
 * I/O errors setting up one TCP connection (a peer that resets it at once; JeroMQ wraps the {@link IOException}),
 * which cost that connection only. Treating those as fatal would let anyone stop a server with a reset.
 *
 * <p>Our own reactor threads report an uncaught error through {@link #fatal} too.
 */
public final class Contexts {
    private static final Logger LOG = LoggerFactory.getLogger(Contexts.class);
    /** The exit status of a server that lost a thread. */
    public static final int EXIT_FATAL = 1;
    /** The default fatal handler: log at ERROR, then halt with {@value #EXIT_FATAL}. */
    public static final Thread.UncaughtExceptionHandler EXIT = (thread, error) -> {
        LOG.error("thread {} failed; exiting with status {} so that a supervisor restarts this process", thread
                .getName(), EXIT_FATAL, error);
        System.err.flush();
        System.out.flush();
        // halt, not exit: shutdown hooks would close the service cleanly and report success (exit 0).
        Runtime.getRuntime().halt(EXIT_FATAL);
    };

    private static final LongAdder FATAL_ERRORS = new LongAdder();
    private static final RateLimitedLog HICCUPS = new RateLimitedLog(LOG);
    private static volatile Thread.UncaughtExceptionHandler fatalHandler = EXIT;

    private Contexts() {
    }

    /**
     * A new context whose JeroMQ threads report failures to the fatal handler. With {@link IoThreadScheduling}
     * enabled its I/O thread is started at once and put under SCHED_BATCH.
     */
    public static ZContext create() {
        ZContext context = new ZContext();
        context.setUncaughtExceptionHandler(Contexts::fatal);
        context.setNotificationExceptionHandler(Contexts::onNotification);
        if (IoThreadScheduling.enabled()) {
            // JeroMQ starts a context's threads with its first socket.
            context.destroySocket(context.createSocket(SocketType.PAIR));
            IoThreadScheduling.applyToNewIoThreads(context.getIoThreads());
        }
        return context;
    }

    /**
     * Replaces the fatal handler (process-wide; the default is {@link #EXIT}). The handler runs on the failed
     * thread; it is not called again for the same failure.
     */
    public static void onFatal(Thread.UncaughtExceptionHandler handler) {
        fatalHandler = Require.notNull(handler, "fatal handler");
    }

    public static Thread.UncaughtExceptionHandler fatalHandler() {
        return fatalHandler;
    }

    /** Reports a thread failure that leaves a component unable to serve: counted, then the fatal handler. */
    public static void fatal(Thread thread, Throwable error) {
        FATAL_ERRORS.increment();
        LOG.error("thread {} failed: {}", thread.getName(), error.toString());
        fatalHandler.uncaughtException(thread, error);
    }

    /** Thread failures reported since the process started. */
    public static long fatalErrors() {
        return FATAL_ERRORS.sum();
    }

    private static void onNotification(Thread thread, Throwable error) {
        if (error instanceof CancelledKeyException || error instanceof ClosedSelectorException
                || error instanceof ClosedChannelException || error.getCause() instanceof IOException) {
            HICCUPS.warn("JeroMQ thread {} recovered from {}", thread.getName(), error.toString());
            return;
        }
        fatal(thread, error);
    }
}
