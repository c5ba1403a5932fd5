package io.zreliable.majordomo;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Require;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of a {@link MajordomoWorker}: the broker endpoints (tried in turn, moving to the next on each reconnect),
 * the service name, heartbeating (must match the broker's), reconnect back-off, and optionally CURVE keys (the
 * broker's public key and the worker's own key pair, which the broker must allow), where the handler runs, and the
 * MDP dialect it speaks ({@link MdpDialect#MDP_0_1} by default; a streaming handler needs one of the 0.2 dialects).
 * Immutable; build with {@link #builder(String)}.
 */
public final class WorkerConfig {
    private final List<String> endpoints;
    private final String service;
    private final HeartbeatConfig heartbeat;
    private final BackoffConfig backoff;
    private final CurveClientKeys curve;
    private final boolean inlineHandler;
    private final MdpDialect protocol;

    private WorkerConfig(Builder b) {
        this.service = Require.notNull(b.service, "service name");
        MdpCodec.checkServiceName(service);
        Require.that(!MmiProtocol.isMmi(service), "service names starting with " + MmiProtocol.PREFIX
                + " are reserved for the broker: " + service);
        this.endpoints = new EndpointRing(b.endpoints).all();
        this.heartbeat = Require.notNull(b.heartbeat, "heartbeat");
        this.backoff = Require.notNull(b.backoff, "back-off");
        this.curve = b.curve;
        this.inlineHandler = b.inlineHandler;
        this.protocol = Require.notNull(b.protocol, "MDP protocol");
    }

    public static Builder builder(String service) {
        return new Builder(service);
    }

    public List<String> endpoints() {
        return endpoints;
    }

    public String service() {
        return service;
    }

    public HeartbeatConfig heartbeat() {
        return heartbeat;
    }

    public BackoffConfig backoff() {
        return backoff;
    }

    /** CURVE keys of the worker's connections; empty for plain text. */
    public Optional<CurveClientKeys> curve() {
        return Optional.ofNullable(curve);
    }

    /** True when the handler runs on the worker's socket thread (see {@link Builder#inlineHandler(boolean)}). */
    public boolean inlineHandler() {
        return inlineHandler;
    }

    /** The MDP dialect the worker speaks to its brokers. */
    public MdpDialect protocol() {
        return protocol;
    }

    public static final class Builder {
        private final String service;
        private final List<String> endpoints = new ArrayList<>();
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private BackoffConfig backoff = BackoffConfig.DEFAULT;
        private CurveClientKeys curve;
        private boolean inlineHandler;
        private MdpDialect protocol = MdpDialect.MDP_0_1;

        private Builder(String service) {
            this.service = service;
        }

        /** Talk CURVE to the broker; {@code null} (the default) for plain text. */
        public Builder curve(CurveClientKeys keys) {
            this.curve = keys;
            return this;
        }

        /** Adds a broker endpoint (repeatable; the worker fails over to the next one on each reconnect). */
        public Builder connect(String endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder connect(List<String> endpoints) {
            endpoints.forEach(this::connect);
            return this;
        }

        public Builder heartbeat(HeartbeatConfig heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder backoff(BackoffConfig backoff) {
            this.backoff = backoff;
            return this;
        }

        /**
         * Runs the handler on the worker's socket thread instead of its own thread (default {@code false}). Inline
         * saves two thread hand-offs per request, which on a busy machine is most of a fast handler's cost (see the
         * README's Performance section); but the worker neither heartbeats nor reads from the broker while the
         * handler runs, so use it only for handlers that return well within the heartbeat expiry (interval x
         * liveness) and never block.
         */
        public Builder inlineHandler(boolean inline) {
            this.inlineHandler = inline;
            return this;
        }

        /**
         * The dialect to speak (default {@link MdpDialect#MDP_0_1}). Only the 0.2 dialects carry the PARTIAL
         * replies a {@link StreamingRequestHandler} sends; our broker serves all three at once.
         */
        public Builder protocol(MdpDialect protocol) {
            this.protocol = protocol;
            return this;
        }

        public WorkerConfig build() {
            return new WorkerConfig(this);
        }
    }
}
