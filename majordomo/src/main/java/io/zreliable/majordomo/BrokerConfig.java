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
 *   <li>{@code maxQueueBytesPerService} / {@code maxQueueBytes}: the same bounds in bytes, each queued request
 *       costing its frames' bytes plus {@value #QUEUED_REQUEST_OVERHEAD} for the broker's bookkeeping (drop reasons
 *       {@code service queue bytes full} / {@code queue bytes full}). The defaults (96 MiB / 128 MiB) serve one
 *       client's burst of 150,000 small requests (about 60 MiB) and bound the heap queued requests can take to
 *       about {@code maxQueueBytes}, within the launcher's 256 MiB heap cap.</li>
 *   <li>{@code requestTtl}: a request that waited longer than this while its service had no worker is discarded
 *       (its client has given up or retried long ago) and counted as {@code request expired}. The backlog of a
 *       service whose workers are alive and busy is never expired by it (7/MDP).</li>
 *   <li>{@code maxWait}: off by default ({@link Duration#ZERO}); when set, a request that waited longer than this
 *       for a worker, workers or not, is discarded and counted as {@code request waited too long}.</li>
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
    /**
     * Bytes charged per queued request on top of its frames: the record, the message and frame objects, the routing
     * id and the queue slot, as measured on a 64-bit JVM with compressed pointers (rounded up).
     */
    public static final int QUEUED_REQUEST_OVERHEAD = 256;

    private final List<String> endpoints;
    private final HeartbeatConfig heartbeat;
    private final int maxQueuePerService;
    private final int maxQueue;
    private final int maxWorkers;
    private final int maxServices;
    private final long maxQueueBytesPerService;
    private final long maxQueueBytes;
    private final Duration requestTtl;
    private final Duration maxWait;
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
        this.maxQueueBytesPerService = Require.positive(b.maxQueueBytesPerService, "max queue bytes per service");
        this.maxQueueBytes = Require.positive(b.maxQueueBytes, "max queue bytes");
        this.requestTtl = Require.positive(b.requestTtl, "request ttl");
        this.maxWait = Require.notNull(b.maxWait, "max wait");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max wait must be >= 0 (0 = off), got " + maxWait.toMillis() + " ms");
        }
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

    /** Bytes (frames plus {@value #QUEUED_REQUEST_OVERHEAD} each) one service's queued requests may take. */
    public long maxQueueBytesPerService() {
        return maxQueueBytesPerService;
    }

    /** Bytes (frames plus {@value #QUEUED_REQUEST_OVERHEAD} each) all queued requests together may take. */
    public long maxQueueBytes() {
        return maxQueueBytes;
    }

    /** Longest a request waits while its service has no worker. */
    public Duration requestTtl() {
        return requestTtl;
    }

    /** Longest a request waits for a worker whatever the service's workers; {@link Duration#ZERO} when off. */
    public Duration maxWait() {
        return maxWait;
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
                + ", maxQueue=" + maxQueue
                + ", maxQueueBytesPerService=" + maxQueueBytesPerService + ", maxQueueBytes=" + maxQueueBytes
                + ", maxWorkers=" + maxWorkers + ", maxServices=" + maxServices
                + ", requestTtl=" + requestTtl.toMillis() + "ms, maxWait=" + maxWait.toMillis() + "ms"
                + ", maxMessageBytes=" + maxMessageBytes + ", maxFrames=" + maxFrames
                + ", highWaterMark=" + highWaterMark
                + (curve == null ? "" : ", " + curve) + "]";
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private int maxQueuePerService = 200_000;
        private int maxQueue = 1_000_000;
        private long maxQueueBytesPerService = 96L * 1024 * 1024;
        private long maxQueueBytes = 128L * 1024 * 1024;
        private int maxWorkers = 10_000;
        private int maxServices = 1_000;
        private Duration requestTtl = Duration.ofSeconds(60);
        private Duration maxWait = Duration.ZERO;
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

        /** Longest a request waits while its service has no worker (default 60 s). */
        public Builder requestTtl(Duration ttl) {
            this.requestTtl = ttl;
            return this;
        }

        /** Longest a request waits for a worker even while the service has workers; zero (the default) is off. */
        public Builder maxWait(Duration wait) {
            this.maxWait = wait;
            return this;
        }

        /** Bytes one service's queue may take (default 96 MiB; see {@link #QUEUED_REQUEST_OVERHEAD}). */
        public Builder maxQueueBytesPerService(long bytes) {
            this.maxQueueBytesPerService = bytes;
            return this;
        }

        /** Bytes all queues together may take (default 128 MiB; see {@link #QUEUED_REQUEST_OVERHEAD}). */
        public Builder maxQueueBytes(long bytes) {
            this.maxQueueBytes = bytes;
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
