package io.zreliable.common;

/**
 * The reconnect back-off sequence of a {@link BackoffConfig}: initial, 2x, 4x, ... capped at max. Call
 * {@link #nextDelayMillis()} before each reconnect and {@link #reset()} once the peer answers again. Not
 * thread-safe.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;
    private int attempts;

    public Backoff(BackoffConfig config) {
        Require.notNull(config, "back-off config");
        this.initialMillis = config.initial().toMillis();
        this.maxMillis = config.max().toMillis();
        this.nextMillis = initialMillis;
    }

    /** The wait before the next attempt; each call doubles the following one, up to the cap. */
    public long nextDelayMillis() {
        long delay = nextMillis;
        attempts++;
        nextMillis = nextMillis >= maxMillis / 2 ? maxMillis : nextMillis * 2;
        return delay;
    }

    /** The wait {@link #nextDelayMillis()} would return, without moving the sequence. */
    public long peekDelayMillis() {
        return nextMillis;
    }

    /** How many delays were handed out since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** Back to the initial wait, after a successful connection. */
    public void reset() {
        nextMillis = initialMillis;
        attempts = 0;
    }
}
