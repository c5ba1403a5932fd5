package io.zreliable.common;

import java.time.Duration;

/**
 * How often peers heartbeat and how many missed heartbeats make a peer dead. Immutable; build with
 * {@link #builder()}. A peer is dead after {@code interval x liveness} of silence.
 */
public final class HeartbeatConfig {
    /** 2.5 s and 3 beats, the Guide's defaults for Paranoid Pirate and Majordomo. */
    public static final HeartbeatConfig DEFAULT = builder().build();

    private final Duration interval;
    private final int liveness;

    private HeartbeatConfig(Builder builder) {
        this.interval = Require.positive(builder.interval, "heartbeat interval");
        this.liveness = Require.inRange(builder.liveness, 1, 1000, "heartbeat liveness");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration interval() {
        return interval;
    }

    public long intervalMillis() {
        return interval.toMillis();
    }

    /** How many intervals a peer may stay silent before it counts as dead. */
    public int liveness() {
        return liveness;
    }

    /** Silence after which a peer is dead: interval x liveness. */
    public Duration expiry() {
        return interval.multipliedBy(liveness);
    }

    public Builder toBuilder() {
        return new Builder().interval(interval).liveness(liveness);
    }

    @Override
    public String toString() {
        return "HeartbeatConfig[interval=" + interval.toMillis() + "ms, liveness=" + liveness + "]";
    }

    public static final class Builder {
        private Duration interval = Duration.ofMillis(2500);
        private int liveness = 3;

        private Builder() {
        }

        public Builder interval(Duration interval) {
            this.interval = interval;
            return this;
        }

        public Builder intervalMillis(long millis) {
            return interval(Duration.ofMillis(millis));
        }

        public Builder liveness(int liveness) {
            this.liveness = liveness;
            return this;
        }

        /** Validates and builds; a bad value fails with a message naming the setting. */
        public HeartbeatConfig build() {
            return new HeartbeatConfig(this);
        }
    }
}
