package io.zreliable.majordomo;

import io.zreliable.common.CurveServerKeys;
import io.zreliable.common.Endpoints;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of a {@link MajordomoBroker}. Immutable; build with {@link #builder()}; every value is validated on
 * {@link Builder#build()} with a message naming the setting.
 *
 * <h2>Limits and what happens at them</h2>
 * <ul>
 *   <li>{@code maxQueuePerService} / {@code maxQueue}: a request that would exceed its service's queue or the
 *       broker-wide queue is dropped and counted (drop reasons {@code service queue full} / {@code queue full}).
 *       The client gets no reply; its retry policy takes over, which is the MDP way to push back.</li>
 *   <li>{@code requestTtl}: a request that waited longer than this for a worker is discarded (its client has given
 *       up or retried long ago) and counted as {@code request expired}.</li>
 *   <li>{@code maxWorkers}: a READY beyond it is answered with DISCONNECT (the worker backs off and retries).</li>
 *   <li>{@code maxMessageBytes}: a client request larger than this (all frames) is dropped and counted
 *       ({@code message too large}); a worker whose REPLY is larger gets DISCONNECT (its client's retry will meet the
 *       same limit, so the client times out). A single frame beyond it makes JeroMQ drop the connection before the
 *       message is even read. It also bounds a 0.2 worker's PARTIALs gathered into one reply for an MDP/0.1
 *       client: beyond it that reply is dropped and counted ({@code streamed reply too large for MDP/0.1
 *       client}).</li>
 *   <li>{@code maxFrames}: a message of more frames (envelope included) is treated like one over
 *       {@code maxMessageBytes}: a client's is dropped and counted ({@code message too large}), a worker gets
 *       DISCONNECT. It bounds the per-frame overhead a peer can make the broker allocate.</li>
 *   <li>{@code highWaterMark}: messages the socket queues per peer, each way (ZMQ_SNDHWM / ZMQ_RCVHWM). A client
 *       that does not read its replies gets no more once its queue is full: the ROUTER drops them (ZeroMQ never
 *       blocks a ROUTER) and the broker goes on serving everyone else; inbound, a peer sending faster than the
 *       broker reads is held back by TCP.</li>
 *   <li>{@code maxServices}: a request or READY naming a new service beyond it is dropped (the worker gets
 *       DISCONNECT). Services with neither workers nor queued requests are forgotten, so this bounds live ones.</li>
 * </ul>
 *
 * <h2>Security</h2>
 * With {@code curve} set, the socket is a CURVE server and only clients and workers whose public key is in the
 * allow-list directory get in (checked by a ZAP handler; refusals are logged and counted); plain-text peers and
 * unknown keys get nothing through.
 */
public final class BrokerConfig {
    /** The endpoint used when none is given. */
    public static final String DEFAULT_ENDPOINT = "tcp://127.0.0.1:5555";

    private final List<String> endpoints;
    private final HeartbeatConfig heartbeat;
    private final int maxQueuePerService;
    private final int maxQueue;
    private final int maxWorkers;
    private final int maxServices;
    private final Duration requestTtl;
    private final CurveServerKeys curve;
    private final int maxFrames;
    private final int highWaterMark;
    private final int maxMessageBytes;

    private BrokerConfig(Builder b) {
        List<String> given = b.endpoints.isEmpty() ? List.of(DEFAULT_ENDPOINT) : b.endpoints;
        List<String> checked = new ArrayList<>();
        for (String endpoint : given) {
            checked.add(Endpoints.require(endpoint, "bind endpoint"));
        }
        this.endpoints = List.copyOf(checked);
        this.heartbeat = Require.notNull(b.heartbeat, "heartbeat");
        this.maxQueuePerService = Require.positive(b.maxQueuePerService, "max queue per service");
        this.maxQueue = Require.positive(b.maxQueue, "max queue");
        this.maxWorkers = Require.positive(b.maxWorkers, "max workers");
        this.maxServices = Require.positive(b.maxServices, "max services");
        this.requestTtl = Require.positive(b.requestTtl, "request ttl");
        this.curve = b.curve;
        this.maxMessageBytes = Require.positive(b.maxMessageBytes, "max message bytes");
        // An MDP message has at least 4 frames: routing id, delimiter, header, command or service.
        this.maxFrames = Require.atLeast(b.maxFrames, 5, "max frames");
        this.highWaterMark = Require.positive(b.highWaterMark, "high-water mark");
    }

    /** Most frames in one message, envelope included. */
    public int maxFrames() {
        return maxFrames;
    }

    /** Messages queued per peer, each way, before the socket drops (outbound) or stops reading (inbound). */
    public int highWaterMark() {
        return highWaterMark;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> endpoints() {
        return endpoints;
    }

    public HeartbeatConfig heartbeat() {
        return heartbeat;
    }

    public int maxQueuePerService() {
        return maxQueuePerService;
    }

    public int maxQueue() {
        return maxQueue;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    public int maxServices() {
        return maxServices;
    }

    public Duration requestTtl() {
        return requestTtl;
    }

    /** Largest client request or worker reply, in bytes over all frames. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** CURVE server keys and allow-list; empty for a plain-text broker. */
    public Optional<CurveServerKeys> curve() {
        return Optional.ofNullable(curve);
    }

    @Override
    public String toString() {
        return "BrokerConfig[endpoints=" + endpoints + ", " + heartbeat + ", maxQueuePerService=" + maxQueuePerService
                + ", maxQueue=" + maxQueue + ", maxWorkers=" + maxWorkers + ", maxServices=" + maxServices
                + ", requestTtl=" + requestTtl.toMillis() + "ms, maxMessageBytes=" + maxMessageBytes + ", maxFrames=" + maxFrames
                + ", highWaterMark=" + highWaterMark
                + (curve == null ? "" : ", " + curve) + "]";
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private int maxQueuePerService = 10_000;
        private int maxQueue = 100_000;
        private int maxWorkers = 10_000;
        private int maxServices = 1_000;
        private Duration requestTtl = Duration.ofSeconds(60);
        private CurveServerKeys curve;
        private int maxFrames = 1_000;
        private int highWaterMark = 1_000;

        public Builder maxFrames(int max) {
            this.maxFrames = max;
            return this;
        }

        public Builder highWaterMark(int messages) {
            this.highWaterMark = messages;
            return this;
        }
        private int maxMessageBytes = 16 * 1024 * 1024;

        private Builder() {
        }

        /** Serve over CURVE, letting in only the allow-listed keys; {@code null} (the default) for plain text. */
        public Builder curve(CurveServerKeys keys) {
            this.curve = keys;
            return this;
        }

        /** Adds an endpoint to bind (repeatable); {@code tcp://127.0.0.1:*} picks a free port. */
        public Builder bind(String endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder bind(List<String> endpoints) {
            endpoints.forEach(this::bind);
            return this;
        }

        public Builder heartbeat(HeartbeatConfig heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder maxQueuePerService(int max) {
            this.maxQueuePerService = max;
            return this;
        }

        public Builder maxQueue(int max) {
            this.maxQueue = max;
            return this;
        }

        public Builder maxWorkers(int max) {
            this.maxWorkers = max;
            return this;
        }

        public Builder maxServices(int max) {
            this.maxServices = max;
            return this;
        }

        public Builder requestTtl(Duration ttl) {
            this.requestTtl = ttl;
            return this;
        }

        /** Largest request or reply accepted, in bytes over all frames (default 16 MiB). */
        public Builder maxMessageBytes(int max) {
            this.maxMessageBytes = max;
            return this;
        }

        /** Validates and builds; binds {@value #DEFAULT_ENDPOINT} when no endpoint was added. */
        public BrokerConfig build() {
            return new BrokerConfig(this);
        }
    }
}
