package io.zreliable.common;

import org.slf4j.Logger;

/**
 * WARN lines about hostile or broken input, at most {@value #LINES_PER_WINDOW} per {@value #WINDOW_MILLIS} ms: a
 * peer that repeats the offence in a loop cannot flood the log. Lines beyond that are counted, not printed; the
 * next line printed says how many were suppressed, so an operator still sees the scale. Any thread.
 */
public final class RateLimitedLog {
    public static final int LINES_PER_WINDOW = 10;
    public static final long WINDOW_MILLIS = 60_000;

    private final Logger log;
    private final Clock clock;
    private long windowStart;
    private int linesInWindow;
    private long suppressedSinceLastLine;
    private long suppressed;

    public RateLimitedLog(Logger log) {
        this(log, Clock.system());
    }

    /** With a given clock (tests pass a {@link ManualClock}). */
    public RateLimitedLog(Logger log, Clock clock) {
        this.log = Require.notNull(log, "logger");
        this.clock = Require.notNull(clock, "clock");
        this.windowStart = clock.millis();
    }

    /**
     * Logs {@code format} (SLF4J style) at WARN if this window still has room, else counts it.
     *
     * @return true when the line was printed
     */
    public synchronized boolean warn(String format, Object... args) {
        long now = clock.millis();
        if (now - windowStart >= WINDOW_MILLIS) {
            windowStart = now;
            linesInWindow = 0;
        }
        if (linesInWindow >= LINES_PER_WINDOW) {
            suppressed++;
            suppressedSinceLastLine++;
            return false;
        }
        linesInWindow++;
        if (suppressedSinceLastLine > 0) {
            log.warn("({} similar warnings suppressed since the last one)", suppressedSinceLastLine);
            suppressedSinceLastLine = 0;
        }
        log.warn(format, args);
        return true;
    }

    /** Lines counted but not printed so far. */
    public synchronized long suppressed() {
        return suppressed;
    }
}
