package io.zreliable.common;

/**
 * A monotonic time source. Liveness, back-off and timer logic read time only through this interface, so tests can
 * drive them with a {@link ManualClock} instead of sleeping.
 */
public interface Clock {

    /** Monotonic time in nanoseconds; only differences between two readings are meaningful. */
    long nanoTime();

    /** Monotonic time in milliseconds; only differences between two readings are meaningful. */
    default long millis() {
        return nanoTime() / 1_000_000L;
    }

    /** The real monotonic clock ({@link System#nanoTime()}). */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
