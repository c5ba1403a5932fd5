package io.zreliable.common;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests for a condition that another thread makes true: polls it until it holds or the deadline passes
 * (shared through the common test jar, so every module waits the same way and never sleeps a fixed time).
 */
public final class Eventually {
    private static final long POLL_NANOS = 5_000_000L;

    private Eventually() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code deadline}. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        until(what, deadline, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}, with {@code state} described in the failure message. */
    public static void until(String what, Duration deadline, BooleanSupplier condition, Supplier<?> state) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                Object described = state.get();
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what
                        + (String.valueOf(described).isEmpty() ? "" : "; state: " + described));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
