package io.zreliable.lazypirate;

import io.zreliable.common.Eventually;
import java.time.Duration;
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
        Eventually.until(what, deadline, condition);
    }

    /** As {@link #until(String, BooleanSupplier)}, with {@code state} described in the failure message. */
    static void until(String what, BooleanSupplier condition, Supplier<Object> state) {
        Eventually.until(what, DEADLINE, condition, state);
    }
}
