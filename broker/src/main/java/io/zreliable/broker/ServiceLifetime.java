package io.zreliable.broker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a long-running command (queue, worker, broker) alive until SIGTERM/SIGINT or {@link #stop()}, then closes
 * its service before the JVM exits: the shutdown hook waits (up to 10 s) for the close, so sockets and contexts are
 * released cleanly, and then the process exits 0 (not the JVM's 143 for SIGTERM). {@link #stop()} and
 * {@link #awaitStarted} are safe from any thread (tests use them to drive a command in-process).
 */
final class ServiceLifetime {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLifetime.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Blocks until stop or JVM shutdown, then closes {@code service}. Call after the service has started. */
    void runUntilStopped(AutoCloseable service, String name) throws Exception {
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            if (awaitQuietly(closed)) {
                // A JVM ended by SIGTERM exits 143 whatever main returns; a clean stop is a success (exit 0).
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        }, name + "-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            // SIGTERM came while the service was starting: stop it now, as the hook would have, and exit 0.
            try {
                service.close();
                LOG.info("{} stopped", name);
            } finally {
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        }
        started.countDown();
        try {
            stopRequested.await();
        } finally {
            try {
                service.close();
                LOG.info("{} stopped", name);
            } finally {
                closed.countDown();
                removeHook(hook);
            }
        }
    }

    /** Asks the running command to close its service and return. */
    void stop() {
        stopRequested.countDown();
    }

    /** True once the service is up and the command waits for stop. */
    boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and the hook is running: nothing to remove.
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
