package io.zreliable.titanic;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails store operations that take longer than the store timeout, with a {@link TimeoutException}. A sweep every
 * quarter of the timeout (10 ms to 1 s) finds them, so that the request path wakes no timer thread per operation
 * ({@code CompletableFuture.orTimeout} would schedule and cancel a task each time, waking its thread). An operation
 * thus fails between one timeout and one sweep period after it began. Thread-safe.
 */
final class StoreDeadlines implements AutoCloseable {
    private final long timeoutNanos;
    private final Map<CompletableFuture<?>, Long> inFlight = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    StoreDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1_000, timeout.toMillis() / 4));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "titanic-store-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Watches {@code operation}; returns it. */
    <T> CompletableFuture<T> watch(CompletableFuture<T> operation) {
        if (!operation.isDone()) {
            inFlight.put(operation, System.nanoTime() + timeoutNanos);
            operation.whenComplete((result, error) -> inFlight.remove(operation));
        }
        return operation;
    }

    private void sweep() {
        long now = System.nanoTime();
        inFlight.forEach((operation, deadline) -> {
            if (now - deadline >= 0) {
                operation.completeExceptionally(new TimeoutException());
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
