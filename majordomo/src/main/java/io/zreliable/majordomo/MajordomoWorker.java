package io.zreliable.majordomo;

import io.zreliable.common.Backoff;
import io.zreliable.common.Contexts;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.Endpoints;
import io.zreliable.common.FailureLog;
import io.zreliable.common.Frames;
import io.zreliable.common.Futures;
import io.zreliable.common.Liveness;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.Reactor;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import io.zreliable.common.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A Majordomo worker: connects a DEALER to a broker, sends READY for its service, runs each REQUEST through its
 * handler and sends the reply. It speaks the {@link MdpDialect} of {@link WorkerConfig#protocol()} (MDP/0.1 by
 * default). A streaming handler ({@link #streaming}, {@link #asyncStreaming}) sends PARTIAL replies through a
 * {@link ReplyStream} before its FINAL one; that needs an MDP/0.2 dialect. It heartbeats the broker while idle or
 * busy, and reconnects on a new socket, after a back-off and to the next configured endpoint, when the broker falls
 * silent for interval x liveness or sends DISCONNECT. A handler failure is logged and the worker registers again.
 *
 * <p>Logging: losing a broker that had accepted the worker (it sent HEARTBEAT or REQUEST) is logged once, at INFO
 * or WARN; the refusals and silences that follow until a broker accepts the worker again are logged at debug only
 * and counted ({@link #refusals()}, {@link #expiries()}). A worker kept waiting by a passive HA broker, which
 * answers every READY with DISCONNECT, thus retries quietly.
 *
 * <pre>{@code
 * WorkerConfig config = WorkerConfig.builder("echo").connect("tcp://127.0.0.1:5555").build();
 * try (MajordomoWorker worker = new MajordomoWorker(config, request -> request).start()) {
 *     ...
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * The socket belongs to the worker's reactor thread; a {@link RequestHandler} runs on a second thread so that a
 * slow request does not stop heartbeats, and its reply is passed back to the reactor thread. With
 * {@link WorkerConfig.Builder#inlineHandler(boolean)} it runs on the reactor thread itself: no hand-offs, no
 * heartbeats while it runs. An {@link AsyncRequestHandler} ({@link #async}) starts on the reactor thread and its
 * reply is passed back when it completes: one hand-off, heartbeats throughout. Streaming handlers run the same way
 * (synchronous ones like a {@link RequestHandler}, asynchronous ones like an {@link AsyncRequestHandler}); see
 * {@link ReplyStream} for where parts may be sent from. {@link #close()} may be called from any other thread.
 */
public final class MajordomoWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoWorker.class);
    private static final int READ_BATCH = 64;
    /** How long a closed socket may still deliver its last DISCONNECT to the broker. */
    private static final int LINGER_MS = 200;
    /** Parts a {@link ReplyStream} may have waiting for the socket thread before {@code partial} waits. */
    public static final int MAX_QUEUED_PARTS = 256;

    private final WorkerConfig config;
    /** Every kind of handler, seen as a streaming one that completes later (see the thread contract). */
    private final AsyncStreamingRequestHandler handler;
    private final MdpDialect dialect;
    private final ZContext context = Contexts.create();
    private final Reactor reactor = new Reactor();
    /** The thread a {@link RequestHandler} runs on; null when it runs inline or the handler is asynchronous. */
    private final ExecutorService handlerThread;
    private final EndpointRing ring;
    private final Backoff backoff;
    private final Liveness liveness;
    private final DropCounter drops = new DropCounter(LOG);
    private final FailureLog connectFailures = FailureLog.of(LOG);
    /** This worker's own count of connections that could not be attempted. */
    private volatile long unconnectable;

    // Reactor-thread state.
    private ZMQ.Socket socket;
    private Timer reconnectTimer;
    /** Bumped on every new connection; a reply computed for an older connection is stale and dropped. */
    private int generation;
    private boolean busy;
    /** The stream of the request being handled; null while idle. */
    private PartStream current;
    /** A broker accepted us (HEARTBEAT or REQUEST) since the last refusal or silence: the next one is news. */
    private boolean accepted;
    private boolean started;
    private volatile boolean closed;

    // Counters: written by the reactor thread, read by anyone.
    private volatile long requests;
    private volatile long replies;
    private volatile long partialsSent;
    private volatile long connects;
    private volatile long handlerFailures;
    private volatile long refusals;
    private volatile long expiries;
    private volatile String endpoint;

    /** A worker whose handler returns the reply: on a thread of its own, or inline if the config says so. */
    public MajordomoWorker(WorkerConfig config, RequestHandler handler) {
        this(config, streamless(Require.notNull(handler, "request handler")), null);
    }

    /**
     * A worker whose handler completes the reply later, started on the worker's socket thread (the config's
     * {@code inlineHandler} does not apply: nothing here needs a handler thread).
     */
    public static MajordomoWorker async(WorkerConfig config, AsyncRequestHandler handler) {
        Require.notNull(handler, "request handler");
        return new MajordomoWorker(config, null, (request, stream) -> handler.handle(request));
    }

    /**
     * A worker whose handler streams its reply in parts and returns the last, run where a {@link RequestHandler}
     * runs. The config must speak an MDP/0.2 dialect.
     */
    public static MajordomoWorker streaming(WorkerConfig config, StreamingRequestHandler handler) {
        return new MajordomoWorker(requireStreaming(config), Require.notNull(handler, "request handler"), null);
    }

    /** A worker whose handler streams its reply from other threads, as {@link AsyncStreamingRequestHandler} says. */
    public static MajordomoWorker asyncStreaming(WorkerConfig config, AsyncStreamingRequestHandler handler) {
        return new MajordomoWorker(requireStreaming(config), null, Require.notNull(handler, "request handler"));
    }

    private static WorkerConfig requireStreaming(WorkerConfig config) {
        Require.that(Require.notNull(config, "worker config").protocol().streams(),
                "a streaming handler needs an MDP/0.2 worker (WorkerConfig.protocol), not " + config.protocol());
        return config;
    }

    private static StreamingRequestHandler streamless(RequestHandler handler) {
        return (request, stream) -> handler.handle(request);
    }

    private MajordomoWorker(WorkerConfig config, StreamingRequestHandler syncHandler,
            AsyncStreamingRequestHandler asyncHandler) {
        this.config = Require.notNull(config, "worker config");
        this.dialect = config.protocol();
        this.ring = new EndpointRing(config.endpoints());
        this.backoff = new Backoff(config.backoff());
        this.liveness = new Liveness(config.heartbeat(), reactor.clock());
        // Closed sockets linger briefly, so the DISCONNECT sent before closing one still reaches the broker.
        context.setLinger(LINGER_MS);
        if (asyncHandler != null) {
            this.handlerThread = null;
            this.handler = asyncHandler;
        } else if (config.inlineHandler()) {
            this.handlerThread = null;
            this.handler = (request, stream) -> CompletableFuture.completedFuture(syncHandler.handle(request, stream));
        } else {
            this.handlerThread = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "mdp-worker-" + config.service() + "-handler");
                thread.setDaemon(true);
                return thread;
            });
            this.handler = (request, stream) -> CompletableFuture.supplyAsync(() -> {
                try {
                    return syncHandler.handle(request, stream);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, handlerThread);
        }
    }

    /** Connects to the first endpoint and starts serving on new threads. */
    public synchronized MajordomoWorker start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "worker is closed" : "worker is already started");
        }
        started = true;
        long tick = Math.max(1L, config.heartbeat().intervalMillis() / 4);
        reactor.scheduleRepeating(tick, this::onTick);
        reactor.execute(this::connect);
        reactor.start("mdp-worker-" + config.service());
        return this;
    }

    private void connect() {
        reconnectTimer = null;
        endpoint = ring.current();
        ZMQ.Socket created = Sockets.create(context, SocketType.DEALER, config.curve().orElse(null));
        try {
            Endpoints.connect(created, endpoint);
        } catch (EndpointException e) {
            // Say a broker host that does not resolve yet: try again later, on the next endpoint, warning once.
            context.destroySocket(created);
            long delay = backoff.nextDelayMillis();
            unconnectable++;
            connectFailures.failed(e.getMessage() + "; the worker for " + config.service() + " retries");
            ring.advance();
            reconnectTimer = reactor.schedule(delay, this::connect);
            return;
        }
        socket = created;
        reactor.register(socket, this::drain);
        generation++;
        busy = false;
        current = null;
        connects++;
        liveness.reset();
        send(new MdpCommand.Ready(config.service()));
        LOG.debug("worker for {} connecting to {}", config.service(), endpoint);
    }

    /** Drops the connection and connects again after {@code delayMillis}, to the next endpoint if {@code advance}. */
    private void reconnect(boolean advance, long delayMillis) {
        closeSocket();
        if (advance) {
            ring.advance();
        }
        reconnectTimer = reactor.schedule(delayMillis, this::connect);
    }

    private void closeSocket() {
        if (socket != null) {
            reactor.unregister(socket);
            context.destroySocket(socket);
            socket = null;
        }
    }

    private void onTick() {
        if (socket == null) {
            return;
        }
        if (liveness.isPeerExpired()) {
            long delay = backoff.nextDelayMillis();
            expiries++;
            if (lostAcceptance()) {
                LOG.warn("broker {} silent for {} ms; reconnecting in {} ms", endpoint,
                        config.heartbeat().expiry().toMillis(), delay);
            } else {
                LOG.debug("broker {} silent again; reconnecting in {} ms", endpoint, delay);
            }
            reconnect(true, delay);
        } else if (liveness.isHeartbeatDue()) {
            send(new MdpCommand.Heartbeat());
        }
    }

    private void drain(ZMQ.Socket readable) {
        for (int i = 0; i < READ_BATCH && readable == socket; i++) {
            ZMsg msg = ZMsg.recvMsg(readable, ZMQ.DONTWAIT);
            if (msg == null) {
                return;
            }
            try {
                onMessage(MdpCodec.decode(msg, MdpCodec.Direction.FROM_BROKER));
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
        }
    }

    private void onMessage(MdpCodec.Decoded decoded) {
        MdpCommand command = decoded.command();
        if (decoded.dialect() != dialect) {
            drops.drop("wrong dialect", decoded.dialect() + " from a broker spoken to in " + dialect);
            return;
        }
        liveness.peerSeen();
        if (command instanceof MdpCommand.Request request) {
            onAccepted();
            onRequest(request.client(), request.body());
        } else if (command instanceof MdpCommand.Heartbeat) {
            onAccepted();
        } else if (command instanceof MdpCommand.Disconnect) {
            long delay = backoff.nextDelayMillis();
            refusals++;
            if (lostAcceptance()) {
                LOG.info("broker {} sent DISCONNECT; reconnecting in {} ms", endpoint, delay);
            } else {
                LOG.debug("broker {} refused us (DISCONNECT); reconnecting in {} ms", endpoint, delay);
            }
            reconnect(true, delay);
        } else {
            drops.drop("unexpected command", MdpCommand.describe(command));
        }
    }

    private void onAccepted() {
        backoff.reset();
        connectFailures.recovered();
        accepted = true;
    }

    /** True once per accepted session: the first refusal or silence after a broker accepted us. */
    private boolean lostAcceptance() {
        boolean wasAccepted = accepted;
        accepted = false;
        return wasAccepted;
    }

    private void onRequest(byte[] client, ZMsg body) {
        if (busy) {
            // MDP gives a worker one request at a time; a broker that sends more is broken.
            drops.drop("request while busy", Frames.printable(client));
            return;
        }
        busy = true;
        requests++;
        int requestGeneration = generation;
        PartStream stream = new PartStream(client);
        current = stream;
        CompletionStage<ZMsg> reply;
        try {
            reply = handler.handle(body, stream);
        } catch (Exception e) { // also the handler thread refusing work because the worker is closing
            reply = CompletableFuture.failedFuture(e);
        }
        if (reply == null) {
            reply = CompletableFuture.failedFuture(new IllegalStateException("handler returned no reply stage"));
        }
        reply.whenComplete((frames, error) -> {
            stream.finished = true;
            Runnable outcome = outcome(requestGeneration, client, frames, error);
            // Parts handed to the socket thread must go out before the final part: queue behind them if any wait.
            if (reactor.inReactorThread() && !stream.hasQueuedParts()) {
                outcome.run();
            } else {
                reactor.execute(outcome);
            }
        });
    }

    /** What the reactor thread must do with a handler's outcome: send the reply, or register again after a failure. */
    private Runnable outcome(int requestGeneration, byte[] client, ZMsg reply, Throwable error) {
        Throwable failure = Futures.cause(error);
        if (failure == null && (reply == null || reply.isEmpty())) {
            failure = new IllegalStateException("handler returned no reply frames");
        }
        if (failure == null) {
            return () -> onHandled(requestGeneration, client, reply);
        }
        if (closed) {
            LOG.debug("handler for service {} ended by close()", config.service(), failure);
            return () -> { };
        }
        LOG.warn("handler for service {} failed; registering again", config.service(), failure);
        return () -> onHandlerFailed(requestGeneration);
    }

    private void onHandled(int requestGeneration, byte[] client, ZMsg reply) {
        if (requestGeneration != generation || socket == null) {
            drops.drop("stale reply", "reply computed for an earlier connection");
            return;
        }
        busy = false;
        current = null;
        replies++;
        send(new MdpCommand.Final(client, reply));
    }

    /** Reactor thread: one part of the current request's reply, unless that request is no longer current. */
    private void onPartial(PartStream stream, ZMsg part) {
        if (stream != current || socket == null) {
            drops.drop("stale partial", "part of a reply that ended or belongs to an earlier connection");
            return;
        }
        partialsSent++;
        send(new MdpCommand.Partial(stream.client, part));
    }

    private void onHandlerFailed(int requestGeneration) {
        handlerFailures++;
        if (requestGeneration == generation && socket != null) {
            // The broker holds us busy until a REPLY; registering afresh makes us available again.
            current = null;
            send(new MdpCommand.Disconnect());
            reconnect(false, 0);
        }
    }

    private void send(MdpCommand command) {
        MdpCodec.encode(dialect, command).send(socket);
        liveness.heartbeatSent();
    }

    public WorkerConfig config() {
        return config;
    }

    /** The broker endpoint of the current (or next) connection. */
    public String endpoint() {
        return endpoint;
    }

    /** Requests received from brokers so far. */
    public long requests() {
        return requests;
    }

    /** Replies sent so far (REPLY in MDP/0.1, FINAL in 0.2). */
    public long replies() {
        return replies;
    }

    /** PARTIAL replies sent so far (streaming handlers on MDP/0.2). */
    public long partialsSent() {
        return partialsSent;
    }

    /** Connections opened so far (1 + reconnects). */
    public long connects() {
        return connects;
    }

    /** Requests whose handler threw or returned nothing. */
    public long handlerFailures() {
        return handlerFailures;
    }

    /** DISCONNECTs received from brokers (e.g. a passive HA broker refusing READY). */
    public long refusals() {
        return refusals;
    }

    /** Times a broker fell silent for the heartbeat expiry and the worker reconnected. */
    public long expiries() {
        return expiries;
    }

    /** Connections that could not even be attempted (say the broker's host did not resolve); each is retried. */
    public long connectFailures() {
        return unconnectable;
    }

    /** Malformed or unexpected messages from brokers, and parts sent after their reply ended, that were dropped. */
    public long dropped() {
        return drops.total();
    }

    /** Sends DISCONNECT to the broker, stops both threads and closes the socket. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            ReactorCalls.runAndWait(reactor, () -> {
                if (reconnectTimer != null) {
                    reconnectTimer.cancel();
                }
                if (socket != null) {
                    send(new MdpCommand.Disconnect());
                    closeSocket();
                }
            }, "disconnecting the worker");
        }
        reactor.close();
        if (handlerThread != null) {
            handlerThread.shutdownNow();
        }
        context.close();
    }

    /** The {@link ReplyStream} of one request: parts go to the socket thread in call order, bounded in number. */
    private final class PartStream implements ReplyStream {
        final byte[] client;
        final Semaphore room = new Semaphore(MAX_QUEUED_PARTS);
        /** Set once the handler's stage completed: no part may follow the final one. */
        volatile boolean finished;

        PartStream(byte[] client) {
            this.client = client;
        }

        @Override
        public void partial(ZMsg part) {
            Require.that(part != null && !part.isEmpty(), "a part needs at least one frame");
            if (!dialect.streams()) {
                throw new UnsupportedOperationException(dialect + " has no partial replies");
            }
            if (finished || closed) {
                throw new IllegalStateException("the reply has ended; no part may follow it");
            }
            if (reactor.inReactorThread()) {
                onPartial(this, part);
                return;
            }
            acquireRoom();
            reactor.execute(() -> {
                room.release();
                onPartial(this, part);
            });
        }

        /** True while parts sent from another thread still wait for the socket thread. */
        boolean hasQueuedParts() {
            return room.availablePermits() < MAX_QUEUED_PARTS;
        }

        private void acquireRoom() {
            try {
                if (!room.tryAcquire(config.heartbeat().expiry().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(MAX_QUEUED_PARTS + " parts still wait for the worker's socket");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to send a part", e);
            }
        }
    }
}
