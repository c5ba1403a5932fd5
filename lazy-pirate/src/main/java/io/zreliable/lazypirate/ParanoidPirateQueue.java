package io.zreliable.lazypirate;

import io.zreliable.common.Clock;
import io.zreliable.common.Contexts;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.Endpoints;
import io.zreliable.common.FrameGuard;
import io.zreliable.common.Frames;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Reactor;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The Paranoid Pirate queue (6/PPP): a ROUTER frontend for clients and a ROUTER backend for workers, handing each
 * request to the least recently used idle worker and each reply back to its client.
 *
 * <ul>
 * <li>Workers announce themselves with READY; any later message (heartbeat or reply) counts as a sign of life, and a
 * worker silent for interval x liveness is forgotten (its request, if any, is lost: the client's retry resends it).
 * As in the Guide's queue, any message from a worker makes it ready again: a worker heartbeats only between
 * requests, so a heartbeat from a busy worker means it dropped its request. An unknown worker that heartbeats or
 * replies (e.g. after this queue restarted) is adopted as idle.</li>
 * <li>The queue sends HEARTBEAT to every known worker once per interval. The backend is a ZMQ_ROUTER_MANDATORY
 * socket: a worker whose connection is gone is forgotten as soon as a heartbeat or request cannot be routed to it,
 * and the request goes to the next idle worker instead of being lost.</li>
 * <li>Requests that find no idle worker wait in a FIFO backlog of at most {@code maxBacklog}, for at most
 * {@code maxBacklogAge}; a request that finds it full, or waits longer, is dropped and counted ("backlog full",
 * "backlog expired"), and the client's retry takes over.</li>
 * <li>Malformed, oversized or unknown messages are dropped and counted in {@link #stats()}; they never stop the
 * queue.</li>
 * </ul>
 *
 * <h2>Thread contract</h2>
 * The queue runs on its own reactor thread from {@link #start()}; its sockets belong to that thread. {@link #stats()}
 * and {@link #close()} are safe from any thread.
 */
public final class ParanoidPirateQueue implements AutoCloseable {
    public static final String DROP_BACKLOG_FULL = "backlog full";
    public static final String DROP_BACKLOG_EXPIRED = "backlog expired";
    public static final String DROP_MALFORMED_REQUEST = "malformed request";
    public static final String DROP_OVERSIZED_REQUEST = "oversized request";
    public static final String DROP_MALFORMED_WORKER_MESSAGE = "malformed worker message";
    public static final String DROP_UNKNOWN_COMMAND = "unknown command";
    public static final String DROP_TOO_MANY_WORKERS = "too many workers";

    private static final Logger LOG = LoggerFactory.getLogger(ParanoidPirateQueue.class);

    private final String frontendEndpoint;
    private final String backendEndpoint;
    private final HeartbeatConfig heartbeat;
    /** Frames up to this much over {@code maxRequestBytes} are read (and counted when dropped); larger ones refused. */
    static final long FRAME_SLACK_BYTES = 64 * 1024;
    /** Largest reply frame a worker may send unless the builder says otherwise. */
    public static final long DEFAULT_MAX_REPLY_BYTES = Sockets.DEFAULT_MAX_FRAME_BYTES;

    private final long maxRequestBytes;
    private final long maxReplyBytes;
    private final FrameGuard guard = new FrameGuard("ppqueue");
    private final ZContext context;
    private final boolean ownsContext;
    private final Reactor reactor;
    private final WorkerPool pool;
    private final DropCounter drops = new DropCounter(LOG);
    private final RequestBacklog backlog;
    private ZMQ.Socket frontend;
    private ZMQ.Socket backend;
    private BackendSender workers;
    private volatile String boundFrontend;
    private volatile String boundBackend;
    private volatile boolean running;
    private boolean closed;
    private long requestsReceived;
    private long requestsDispatched;
    private long repliesForwarded;
    private long workersExpired;
    private long workersDisconnected;

    private ParanoidPirateQueue(Builder builder) {
        this.frontendEndpoint = Endpoints.require(builder.frontend, "frontend endpoint");
        this.backendEndpoint = Endpoints.require(builder.backend, "backend endpoint");
        this.heartbeat = Require.notNull(builder.heartbeat, "heartbeat config");
        this.maxRequestBytes = Require.positive(builder.maxRequestBytes, "maximum request size (bytes)");
        this.maxReplyBytes = Require.positive(builder.maxReplyBytes, "maximum reply size (bytes)");
        int maxWorkers = Require.inRange(builder.maxWorkers, 1, 1_000_000, "maximum workers");
        int maxBacklog = Require.inRange(builder.maxBacklog, 0, 10_000_000, "maximum request backlog");
        long maxBacklogAge = Require.positive(builder.maxBacklogAge, "maximum backlog wait").toMillis();
        Clock clock = Require.notNull(builder.clock, "clock");
        this.reactor = new Reactor(clock);
        this.backlog = new RequestBacklog(maxBacklog, maxBacklogAge, clock, drops);
        this.pool = new WorkerPool(reactor, heartbeat.expiry().toMillis(), maxWorkers, this::onWorkerExpired);
        this.ownsContext = builder.context == null;
        this.context = ownsContext ? Contexts.create() : builder.context;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds both sockets and starts the queue's thread. Fails (and releases everything) when a bind fails.
     *
     * @throws EndpointException when an endpoint cannot be bound (say its address is in use)
     */
    public ParanoidPirateQueue start() {
        if (frontend != null || closed) {
            throw new IllegalStateException("queue already started or closed");
        }
        try {
            // A client's frame much larger than a request may be is refused by the transport before it is
            // allocated (JeroMQ drops the connection), so no peer can make the queue allocate an arbitrary frame;
            // requests just over the limit are still read, dropped and counted ("oversized request").
            frontend = bind(frontendEndpoint, "frontend", maxRequestBytes + FRAME_SLACK_BYTES);
            // Workers are not trusted with memory either: anyone can connect to the backend.
            backend = bind(backendEndpoint, "backend", maxReplyBytes);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        // Read once here: socket options belong to the socket's thread, the getters below may run on any thread.
        boundFrontend = frontend.getLastEndpoint();
        boundBackend = backend.getLastEndpoint();
        workers = new BackendSender(backend);
        reactor.register(frontend, s -> onFrontend());
        reactor.register(backend, s -> onBackend());
        reactor.scheduleRepeating(heartbeat.intervalMillis(), this::onHeartbeatTick);
        running = true;
        reactor.start("ppqueue");
        LOG.info("ppqueue ready on {} (clients) and {} (workers), {}", frontendEndpoint(), backendEndpoint(),
                heartbeat);
        return this;
    }

    /** The frontend's bound endpoint, with the actual port when bound to {@code *}. */
    public String frontendEndpoint() {
        String bound = boundFrontend;
        return bound == null ? frontendEndpoint : bound;
    }

    /** The backend's bound endpoint, with the actual port when bound to {@code *}. */
    public String backendEndpoint() {
        String bound = boundBackend;
        return bound == null ? backendEndpoint : bound;
    }

    /** A consistent snapshot, taken on the queue's thread while it runs. Safe from any thread. */
    public QueueStats stats() {
        if (!running || reactor.inReactorThread()) {
            return snapshot();
        }
        CompletableFuture<QueueStats> result = new CompletableFuture<>();
        reactor.execute(() -> result.complete(snapshot()));
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading queue stats", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("queue thread did not answer a stats request", e);
        }
    }

    /** Stops the thread and closes the sockets (and the context, when the queue created it). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reactor.close();
        running = false;
        pool.clear();
        backlog.clear();
        if (frontend != null) {
            context.destroySocket(frontend);
        }
        if (backend != null) {
            context.destroySocket(backend);
        }
        if (ownsContext) {
            context.close();
        }
    }

    private ZMQ.Socket bind(String endpoint, String what, long maxFrameBytes) {
        ZMQ.Socket socket = Sockets.create(context, SocketType.ROUTER, guard, maxFrameBytes);
        try {
            Endpoints.bind(socket, endpoint, what);
        } catch (EndpointException e) {
            context.destroySocket(socket);
            throw e;
        }
        return socket;
    }

    private void onFrontend() {
        ZMsg request = ZMsg.recvMsg(frontend, ZMQ.DONTWAIT);
        if (request == null) {
            return;
        }
        if (!PppProtocol.isAddressed(request)) {
            drops.drop(DROP_MALFORMED_REQUEST, request);
            return;
        }
        if (Frames.byteSize(request) > maxRequestBytes) {
            drops.drop(DROP_OVERSIZED_REQUEST, Frames.byteSize(request) + " bytes");
            return;
        }
        requestsReceived++;
        if (dispatch(request)) {
            request.destroy();
        } else {
            backlog.offer(request);
        }
    }

    private void onBackend() {
        ZMsg msg = ZMsg.recvMsg(backend, ZMQ.DONTWAIT);
        if (msg == null) {
            return;
        }
        if (msg.size() < 2) {
            drops.drop(DROP_MALFORMED_WORKER_MESSAGE, "no frame after the worker's routing id");
            return;
        }
        byte[] id = msg.pop().getData();
        WorkerPool.Worker worker = pool.touch(id);
        if (msg.size() == 1) {
            onCommand(id, worker, PppProtocol.commandOf(msg.getFirst()));
        } else if (PppProtocol.isAddressed(msg)) {
            repliesForwarded++;
            msg.send(frontend);
            becomeIdle(id, worker);
        } else {
            drops.drop(DROP_MALFORMED_WORKER_MESSAGE, "reply without an address stack from worker "
                    + Frames.printable(id));
        }
    }

    private void onCommand(byte[] id, WorkerPool.Worker worker, int command) {
        if (command == PppProtocol.READY) {
            if (worker != null && worker.busy) {
                LOG.debug("worker {} sent READY while busy: it restarted and its request is lost",
                        Frames.printable(id));
            }
            becomeIdle(id, worker);
        } else if (command == PppProtocol.HEARTBEAT) {
            // A worker handles one request at a time and heartbeats only between requests, so a heartbeat from a
            // busy worker means it finished without a reply (e.g. its handler failed): it is idle again.
            if (worker == null || worker.busy) {
                becomeIdle(id, worker);
            }
        } else {
            drops.drop(DROP_UNKNOWN_COMMAND, PppProtocol.commandName(command) + " from worker "
                    + Frames.printable(id));
        }
    }

    /** Puts a worker (registering it when unknown) at the back of the idle list and feeds it the backlog. */
    private void becomeIdle(byte[] id, WorkerPool.Worker known) {
        WorkerPool.Worker worker = known;
        if (worker == null) {
            worker = pool.register(id);
            if (worker == null) {
                drops.drop(DROP_TOO_MANY_WORKERS, "worker " + Frames.printable(id) + " refused, pool is full");
                return;
            }
            LOG.debug("worker {} joined", Frames.printable(id));
        } else {
            pool.release(worker);
        }
        while (pool.hasIdle()) {
            ZMsg request = backlog.peek();
            if (request == null || !dispatch(request)) {
                return;
            }
            backlog.removeFirst().destroy();
        }
    }

    /**
     * Hands {@code request} (left intact) to the least recently used idle worker that can take it, forgetting
     * workers found disconnected on the way. False when no idle worker took it.
     */
    private boolean dispatch(ZMsg request) {
        WorkerPool.Worker worker;
        while ((worker = pool.nextIdle()) != null) {
            if (workers.send(worker.id, request)) {
                requestsDispatched++;
                return true;
            }
            forgetDisconnected(worker);
        }
        return false;
    }

    private void forgetDisconnected(WorkerPool.Worker worker) {
        pool.remove(worker);
        workersDisconnected++;
        LOG.info("worker {} is disconnected; forgotten", Frames.printable(worker.id));
    }

    /** Once per interval: heartbeat every worker, and drop backlog requests too old to serve. */
    private void onHeartbeatTick() {
        backlog.purgeExpired();
        List<WorkerPool.Worker> unreachable = new ArrayList<>();
        pool.forEach(worker -> {
            if (!workers.heartbeat(worker.id)) {
                unreachable.add(worker);
            }
        });
        unreachable.forEach(this::forgetDisconnected);
    }

    private void onWorkerExpired(WorkerPool.Worker worker) {
        workersExpired++;
        LOG.info("worker {} expired after {} ms of silence{}", Frames.printable(worker.id),
                heartbeat.expiry().toMillis(), worker.busy ? "; its request is lost, the client will retry" : "");
    }

    private QueueStats snapshot() {
        return new QueueStats(pool.size(), pool.idleCount(), backlog.size(), requestsReceived, requestsDispatched,
                repliesForwarded, workersExpired, workersDisconnected, drops.snapshot(), guard.refused());
    }

    /** Settings of a {@link ParanoidPirateQueue}; {@link #build()} validates them. */
    public static final class Builder {
        private String frontend;
        private String backend;
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private int maxBacklog = 10_000;
        private Duration maxBacklogAge = Duration.ofSeconds(10);
        private int maxWorkers = 10_000;
        private long maxRequestBytes = 1024L * 1024L;
        private long maxReplyBytes = DEFAULT_MAX_REPLY_BYTES;
        private ZContext context;
        private Clock clock = Clock.system();

        private Builder() {
        }

        /** Endpoint to bind for clients, e.g. {@code tcp://*:5555}. Required. */
        public Builder frontend(String endpoint) {
            this.frontend = endpoint;
            return this;
        }

        /** Endpoint to bind for workers, e.g. {@code tcp://*:5556}. Required. */
        public Builder backend(String endpoint) {
            this.backend = endpoint;
            return this;
        }

        /** Heartbeat interval and liveness, which workers must share; default 2500 ms x 3. */
        public Builder heartbeat(HeartbeatConfig heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /** Requests that may wait for a worker; further ones are dropped. Default 10000; 0 = no backlog. */
        public Builder maxBacklog(int maxBacklog) {
            this.maxBacklog = maxBacklog;
            return this;
        }

        /**
         * Longest a request may wait for a worker; older ones are dropped (their client has timed out and resent
         * them). Default 10 s.
         */
        public Builder maxBacklogAge(Duration maxBacklogAge) {
            this.maxBacklogAge = maxBacklogAge;
            return this;
        }

        /** Workers tracked at once; READY from more is dropped. Default 10000. */
        public Builder maxWorkers(int maxWorkers) {
            this.maxWorkers = maxWorkers;
            return this;
        }

        /** Largest request accepted (all frames, in bytes); larger ones are dropped. Default 1 MiB. */
        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** A context to create sockets in, left open on close. Default: the queue's own. */
        /** Largest reply frame a worker may send (default 16 MiB); a larger one drops that worker's connection. */
        public Builder maxReplyBytes(long maxReplyBytes) {
            this.maxReplyBytes = maxReplyBytes;
            return this;
        }

        public Builder context(ZContext context) {
            this.context = context;
            return this;
        }

        /** The clock for heartbeats and expiry; tests pass a {@code ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public ParanoidPirateQueue build() {
            return new ParanoidPirateQueue(this);
        }
    }
}
