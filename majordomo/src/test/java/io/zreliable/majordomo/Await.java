package io.zreliable.majordomo;

import io.zreliable.common.Eventually;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a generous deadline passes (tests run on a loaded machine). */
final class Await {
    static final Duration DEADLINE = Duration.ofSeconds(15);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        Eventually.until(what, DEADLINE, condition);
    }
}
