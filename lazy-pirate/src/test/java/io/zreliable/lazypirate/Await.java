package io.zreliable.lazypirate;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, polling; never a fixed sleep standing in for a condition. */
final class Await {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition);
    }

    static void until(String what, Duration deadline, BooleanSupplier condition) {
        until(what, deadline, condition, () -> "");
    }

    /** As {@link #until(String, BooleanSupplier)}, with {@code state} described in the failure message. */
    static void until(String what, BooleanSupplier condition, Supplier<Object> state) {
        until(what, DEADLINE, condition, state);
    }

    private static void until(String what, Duration deadline, BooleanSupplier condition, Supplier<Object> state) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline.toMillis() + " ms waiting for " + what
                        + "; state: " + state.get());
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }
}
