package io.zreliable.common;

/**
 * Heartbeat bookkeeping for one peer: when we owe the peer a heartbeat, and when the peer's silence makes it dead.
 * Any traffic from the peer counts as a sign of life; any traffic to it counts as a heartbeat sent. Time comes from
 * a {@link Clock}, so the logic is tested without sleeping. Not thread-safe: owned by the reactor thread that talks
 * to the peer.
 */
public final class Liveness {
    private final Clock clock;
    private final long intervalNanos;
    private final long expiryNanos;
    private long peerSeenAt;
    private long heartbeatDueAt;

    public Liveness(HeartbeatConfig config, Clock clock) {
        this.clock = Require.notNull(clock, "clock");
        Require.notNull(config, "heartbeat config");
        this.intervalNanos = config.interval().toNanos();
        this.expiryNanos = config.expiry().toNanos();
        reset();
    }

    /** Starts afresh, as for a new connection: the peer counts as just seen and a heartbeat is due in one interval. */
    public void reset() {
        long now = clock.nanoTime();
        peerSeenAt = now;
        heartbeatDueAt = now + intervalNanos;
    }

    /** Records traffic from the peer (a heartbeat or any other message). */
    public void peerSeen() {
        peerSeenAt = clock.nanoTime();
    }

    /** Records that we sent the peer something, which serves as a heartbeat. */
    public void heartbeatSent() {
        heartbeatDueAt = clock.nanoTime() + intervalNanos;
    }

    /** True when we should send the peer a heartbeat now. */
    public boolean isHeartbeatDue() {
        return clock.nanoTime() - heartbeatDueAt >= 0;
    }

    /** True when the peer has been silent for interval x liveness or longer. */
    public boolean isPeerExpired() {
        return clock.nanoTime() - peerSeenAt >= expiryNanos;
    }

    /** Milliseconds until the peer expires if it stays silent (0 when already expired). */
    public long millisUntilExpiry() {
        return Math.max(0L, (peerSeenAt + expiryNanos - clock.nanoTime()) / 1_000_000L);
    }

    /** Milliseconds until the next heartbeat is due (0 when already due). */
    public long millisUntilHeartbeat() {
        return Math.max(0L, (heartbeatDueAt - clock.nanoTime()) / 1_000_000L);
    }
}
