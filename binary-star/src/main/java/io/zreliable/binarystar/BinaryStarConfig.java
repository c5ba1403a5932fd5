package io.zreliable.binarystar;

import io.zreliable.common.CurveServerKeys;
import io.zreliable.common.Endpoints;
import io.zreliable.common.Require;
import java.time.Duration;
import java.util.Optional;

/**
 * How one server of a Binary Star pair runs: its {@link Role}, the endpoint it binds to publish its state
 * ({@code local}), the endpoint of the peer's state publisher it connects to ({@code peer}), and the heartbeat at
 * which states are published (the peer expires after two heartbeats of silence). Immutable; build with
 * {@link #builder()}, which validates every value with a message naming the setting.
 */
public final class BinaryStarConfig {
    /** Largest client request the voter socket accepts; a larger one makes ZeroMQ drop that client's connection. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    static final Duration MIN_HEARTBEAT = Duration.ofMillis(10);

    private final Role role;
    private final String local;
    private final String peer;
    private final Duration heartbeat;
    private final int maxRequestBytes;
    private final CurveServerKeys stateCurve;

    private BinaryStarConfig(Builder b) {
        this.role = Require.notNull(b.role, "binary star role");
        this.local = Endpoints.require(b.local, "binary star local (state publisher) endpoint");
        this.peer = Endpoints.require(b.peer, "binary star peer (state) endpoint");
        this.heartbeat = Require.positive(b.heartbeat, "binary star heartbeat");
        Require.that(heartbeat.compareTo(MIN_HEARTBEAT) >= 0,
                "binary star heartbeat must be >= " + MIN_HEARTBEAT.toMillis() + " ms, was " + heartbeat.toMillis()
                        + " ms");
        Require.that(!local.equals(peer), "binary star local and peer endpoints must differ, both were " + local);
        this.maxRequestBytes = Require.positive(b.maxRequestBytes, "binary star max request size (bytes)");
        this.stateCurve = b.stateCurve;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Role role() {
        return role;
    }

    /** Where this server binds its state publisher. */
    public String local() {
        return local;
    }

    /** Where the peer's state publisher is, for this server's subscriber to connect to. */
    public String peer() {
        return peer;
    }

    /** How often the state is published. */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** Silence after which the peer counts as dead: two heartbeats. */
    public Duration peerExpiry() {
        return heartbeat.multipliedBy(BstarProtocol.PEER_EXPIRY_HEARTBEATS);
    }

    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * CURVE for the state link: our publisher is a CURVE server with this key pair, and our subscriber accepts
     * states only from a publisher holding the same pair (both servers of a pair share it, as clients reach either
     * with one server key), so no one else can feed us states. Empty for plain text.
     */
    public Optional<CurveServerKeys> stateCurve() {
        return Optional.ofNullable(stateCurve);
    }

    @Override
    public String toString() {
        return "BinaryStarConfig[role=" + role + ", local=" + local + ", peer=" + peer + ", heartbeat="
                + heartbeat.toMillis() + "ms]";
    }

    public static final class Builder {
        private Role role;
        private String local;
        private String peer;
        private Duration heartbeat = BstarProtocol.DEFAULT_HEARTBEAT;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private CurveServerKeys stateCurve;

        private Builder() {
        }

        /** Encrypt and authenticate the state link with the pair's shared key pair; null (default) for plain. */
        public Builder stateCurve(CurveServerKeys keys) {
            this.stateCurve = keys;
            return this;
        }

        public Builder role(Role role) {
            this.role = role;
            return this;
        }

        public Builder local(String endpoint) {
            this.local = endpoint;
            return this;
        }

        public Builder peer(String endpoint) {
            this.peer = endpoint;
            return this;
        }

        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder heartbeatMillis(long millis) {
            return heartbeat(Duration.ofMillis(millis));
        }

        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = bytes;
            return this;
        }

        public BinaryStarConfig build() {
            return new BinaryStarConfig(this);
        }
    }
}
