package io.zreliable.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when told to. Thread-safe: a test thread may advance it while a reactor thread
 * reads it.
 */
public final class ManualClock implements Clock {
    private final AtomicLong nanos;

    public ManualClock() {
        this(0L);
    }

    public ManualClock(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves time forward; a negative step is refused because a monotonic clock never goes back. */
    public void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock cannot go back, step was " + step);
        }
        nanos.addAndGet(step.toNanos());
    }

    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }
}
