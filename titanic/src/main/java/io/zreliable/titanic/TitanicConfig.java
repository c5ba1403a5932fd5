package io.zreliable.titanic;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.Endpoints;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of a {@link Titanic} server: the broker(s) it registers with and calls services through, its store, and
 * how it delivers. Immutable; build with {@link #builder(TitanicStoreConfig)}.
 * <ul>
 * <li>{@code requestTimeout}: how long one delivery attempt waits for the service's reply (default 10 s).</li>
 * <li>{@code retryBackoff}: wait before retrying a request that timed out; doubles per failure up to the maximum
 * (default 1 s to 32 s). A service with no worker is asked again every 500 ms instead, so a pending request goes
 * out within about a second of its service's first worker.</li>
 * <li>{@code dispatchers}: deliveries in flight at once (default 4).</li>
 * <li>{@code requestWorkers}: MDP workers for {@code titanic.request}; each holds one client's request while it
 * waits for its commit, so this many concurrent clients can share one commit (default 16; each worker is a socket
 * and two threads).</li>
 * <li>{@code storeTimeout}: how long a service waits for the store before answering 500 (default 30 s).</li>
 * <li>{@code heartbeat}, {@code reconnectBackoff}: of the MDP workers; the heartbeat must match the broker's.</li>
 * <li>{@code holdDispatch}: start without delivering stored requests until {@link Titanic#resumeDispatch()}; the
 * TSP services still run (default false). Used beside the passive server of an HA broker pair.</li>
 * <li>{@code curve}: CURVE keys (the broker's public key, Titanic's own key pair) for all of Titanic's connections
 * to a CURVE broker, as workers and as client; none for plain text.</li>
 * </ul>
 */
public final class TitanicConfig {
    private final List<String> endpoints;
    private final TitanicStoreConfig store;
    private final Duration requestTimeout;
    private final BackoffConfig retryBackoff;
    private final int dispatchers;
    private final int requestWorkers;
    private final Duration storeTimeout;
    private final HeartbeatConfig heartbeat;
    private final BackoffConfig reconnectBackoff;
    private final boolean holdDispatch;
    private final CurveClientKeys curve;

    private TitanicConfig(Builder b) {
        Require.that(!b.endpoints.isEmpty(), "at least one broker endpoint must be set");
        b.endpoints.forEach(e -> Endpoints.require(e, "broker endpoint"));
        this.endpoints = List.copyOf(b.endpoints);
        this.store = Require.notNull(b.store, "store config");
        this.requestTimeout = Require.positive(b.requestTimeout, "titanic request timeout");
        this.retryBackoff = Require.notNull(b.retryBackoff, "titanic retry back-off");
        this.dispatchers = Require.inRange(b.dispatchers, 1, 256, "titanic dispatchers");
        this.requestWorkers = Require.inRange(b.requestWorkers, 1, 256, "titanic request workers");
        this.storeTimeout = Require.positive(b.storeTimeout, "titanic store timeout");
        this.heartbeat = Require.notNull(b.heartbeat, "heartbeat");
        this.reconnectBackoff = Require.notNull(b.reconnectBackoff, "reconnect back-off");
        this.holdDispatch = b.holdDispatch;
        this.curve = b.curve;
    }

    public static Builder builder(TitanicStoreConfig store) {
        return new Builder(store);
    }

    public List<String> endpoints() {
        return endpoints;
    }

    public TitanicStoreConfig store() {
        return store;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public BackoffConfig retryBackoff() {
        return retryBackoff;
    }

    public int dispatchers() {
        return dispatchers;
    }

    public int requestWorkers() {
        return requestWorkers;
    }

    public Duration storeTimeout() {
        return storeTimeout;
    }

    public HeartbeatConfig heartbeat() {
        return heartbeat;
    }

    public BackoffConfig reconnectBackoff() {
        return reconnectBackoff;
    }

    public boolean holdDispatch() {
        return holdDispatch;
    }

    /** CURVE keys of Titanic's broker connections; empty for plain text. */
    public Optional<CurveClientKeys> curve() {
        return Optional.ofNullable(curve);
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private final TitanicStoreConfig store;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private BackoffConfig retryBackoff = BackoffConfig.DEFAULT;
        private int dispatchers = 4;
        private int requestWorkers = 16;
        private Duration storeTimeout = Duration.ofSeconds(30);
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private BackoffConfig reconnectBackoff = BackoffConfig.DEFAULT;
        private boolean holdDispatch;
        private CurveClientKeys curve;

        private Builder(TitanicStoreConfig store) {
            this.store = store;
        }

        /** Talk CURVE to the broker; {@code null} (the default) for plain text. */
        public Builder curve(CurveClientKeys keys) {
            this.curve = keys;
            return this;
        }

        /** Adds a broker endpoint (repeatable). */
        public Builder connect(String endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder retryBackoff(BackoffConfig value) {
            this.retryBackoff = value;
            return this;
        }

        public Builder dispatchers(int value) {
            this.dispatchers = value;
            return this;
        }

        public Builder requestWorkers(int value) {
            this.requestWorkers = value;
            return this;
        }

        public Builder storeTimeout(Duration value) {
            this.storeTimeout = value;
            return this;
        }

        public Builder heartbeat(HeartbeatConfig value) {
            this.heartbeat = value;
            return this;
        }

        public Builder reconnectBackoff(BackoffConfig value) {
            this.reconnectBackoff = value;
            return this;
        }

        /** Starts with delivery held until {@link Titanic#resumeDispatch()}. */
        public Builder holdDispatch(boolean value) {
            this.holdDispatch = value;
            return this;
        }

        public TitanicConfig build() {
            return new TitanicConfig(this);
        }
    }
}
