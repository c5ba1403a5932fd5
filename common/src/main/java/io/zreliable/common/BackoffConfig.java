package io.zreliable.common;

import java.time.Duration;

/**
 * Reconnect back-off: wait {@code initial}, then double the wait after each failed attempt, never more than
 * {@code max}. Immutable; build with {@link #builder()}.
 */
public final class BackoffConfig {
    /** 1 s doubling to 32 s, as in the Guide's Paranoid Pirate worker. */
    public static final BackoffConfig DEFAULT = builder().build();

    private final Duration initial;
    private final Duration max;

    private BackoffConfig(Builder builder) {
        this.initial = Require.positive(builder.initial, "initial reconnect interval");
        this.max = Require.positive(builder.max, "maximum reconnect interval");
        Require.that(max.compareTo(initial) >= 0, "maximum reconnect interval (" + max.toMillis()
                + " ms) must be >= initial reconnect interval (" + initial.toMillis() + " ms)");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration initial() {
        return initial;
    }

    public Duration max() {
        return max;
    }

    @Override
    public String toString() {
        return "BackoffConfig[initial=" + initial.toMillis() + "ms, max=" + max.toMillis() + "ms]";
    }

    public static final class Builder {
        private Duration initial = Duration.ofSeconds(1);
        private Duration max = Duration.ofSeconds(32);

        private Builder() {
        }

        public Builder initial(Duration initial) {
            this.initial = initial;
            return this;
        }

        public Builder initialMillis(long millis) {
            return initial(Duration.ofMillis(millis));
        }

        public Builder max(Duration max) {
            this.max = max;
            return this;
        }

        public Builder maxMillis(long millis) {
            return max(Duration.ofMillis(millis));
        }

        public BackoffConfig build() {
            return new BackoffConfig(this);
        }
    }
}
