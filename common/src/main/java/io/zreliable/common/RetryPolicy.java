package io.zreliable.common;

import java.time.Duration;

/**
 * How a client retries a request: wait up to {@code timeout} for each attempt's reply, make at most
 * {@code attempts} attempts, then give up with a {@link RequestTimeoutException}. Shared by every client of the
 * project (Lazy Pirate, Majordomo, Binary Star failover). Immutable; build with {@link #builder()}.
 */
public final class RetryPolicy {
    /** 2.5 s per attempt, 3 attempts: the Guide's Lazy Pirate defaults. */
    public static final RetryPolicy DEFAULT = builder().build();

    private final Duration timeout;
    private final int attempts;

    private RetryPolicy(Builder builder) {
        this.timeout = Require.positive(builder.timeout, "request timeout");
        this.attempts = Require.inRange(builder.attempts, 1, 1_000_000, "request attempts");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long one attempt waits for its reply. */
    public Duration timeout() {
        return timeout;
    }

    public long timeoutMillis() {
        return timeout.toMillis();
    }

    /** How many attempts are made in all (1 = no retry). */
    public int attempts() {
        return attempts;
    }

    /** The longest a request can take before it fails: timeout x attempts (plus reconnect time). */
    public Duration worstCase() {
        return timeout.multipliedBy(attempts);
    }

    public Builder toBuilder() {
        return new Builder().timeout(timeout).attempts(attempts);
    }

    @Override
    public String toString() {
        return "RetryPolicy[timeout=" + timeout.toMillis() + "ms, attempts=" + attempts + "]";
    }

    public static final class Builder {
        private Duration timeout = Duration.ofMillis(2500);
        private int attempts = 3;

        private Builder() {
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder timeoutMillis(long millis) {
            return timeout(Duration.ofMillis(millis));
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public RetryPolicy build() {
            return new RetryPolicy(this);
        }
    }
}
