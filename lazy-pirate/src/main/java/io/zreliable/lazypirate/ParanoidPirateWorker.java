package io.zreliable.lazypirate;

import io.zreliable.common.Backoff;
import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Clock;
import io.zreliable.common.Contexts;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.Endpoints;
import io.zreliable.common.FailureLog;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Liveness;
import io.zreliable.common.Reactor;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A Paranoid Pirate worker (6/PPP): connects a DEALER to the queue, sends READY, heartbeats once per interval, and
 * answers each request with the {@link RequestHandler}'s reply under the request's own envelope. When the queue has
 * been silent for interval x liveness it is declared dead: the socket is closed and, after a {@link Backoff} wait
 * (doubling up to its cap, reset by any message from the queue), reopened with a fresh READY.
 *
 * <h2>Thread contract</h2>
 * The worker runs on its own reactor thread from {@link #start()}; the socket and the handler calls belong to that
 * thread, one request at a time. A handler that runs longer than interval x liveness sends no heartbeats meanwhile,
 * so the queue will count the worker dead. {@link #stats()} and {@link #close()} are safe from any thread.
 */
public final class ParanoidPirateWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ParanoidPirateWorker.class);

    private final String endpoint;
    private final HeartbeatConfig heartbeat;
    private final RequestHandler handler;
    private final ZContext context;
    private final boolean ownsContext;
    private final Reactor reactor;
    private final Liveness liveness;
    private final Backoff backoff;
    private final DropCounter drops = new DropCounter(LOG);
    private final FailureLog connectFailures = FailureLog.of(LOG);
    private ZMQ.Socket socket;
    private boolean started;
    private boolean closed;
    private volatile long requestsHandled;
    private volatile long handlerFailures;
    private volatile long reconnects;

    private ParanoidPirateWorker(Builder builder) {
        this.endpoint = Endpoints.require(builder.endpoint, "queue endpoint");
        this.heartbeat = Require.notNull(builder.heartbeat, "heartbeat config");
        this.handler = Require.notNull(builder.handler, "request handler");
        this.backoff = new Backoff(Require.notNull(builder.backoff, "reconnect back-off"));
        Clock clock = Require.notNull(builder.clock, "clock");
        this.reactor = new Reactor(clock);
        this.liveness = new Liveness(heartbeat, clock);
        this.ownsContext = builder.context == null;
        this.context = ownsContext ? Contexts.create() : builder.context;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Connects, sends READY and starts the worker's thread. */
    public synchronized ParanoidPirateWorker start() {
        if (started || closed) {
            throw new IllegalStateException("worker already started or closed");
        }
        started = true;
        connect();
        reactor.scheduleRepeating(heartbeat.intervalMillis(), this::tick);
        reactor.start("ppworker");
        if (socket != null) {
            LOG.info("ppworker connected to {}, {}", endpoint, heartbeat);
        } else {
            LOG.info("ppworker started, {}; {} cannot be connected yet, retrying", heartbeat, endpoint);
        }
        return this;
    }

    public WorkerStats stats() {
        return new WorkerStats(requestsHandled, handlerFailures, reconnects, drops.total());
    }

    /** Stops the thread and closes the socket (and the context, when the worker created it). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reactor.close();
        if (socket != null) {
            context.destroySocket(socket);
            socket = null;
        }
        if (ownsContext) {
            context.close();
        }
    }

    private void connect() {
        ZMQ.Socket created = Sockets.create(context, SocketType.DEALER);
        try {
            Endpoints.connect(created, endpoint);
        } catch (EndpointException e) {
            // Say the queue's host does not resolve yet: try again after the back-off, warning once.
            context.destroySocket(created);
            long delay = backoff.nextDelayMillis();
            connectFailures.failed(e.getMessage() + "; ppworker retries");
            reactor.schedule(delay, this::connect);
            return;
        }
        socket = created;
        reactor.register(socket, s -> onMessage());
        liveness.reset();
        send(PppProtocol.command(PppProtocol.READY));
    }

    /** Once per interval: declare the queue dead after interval x liveness of silence, else heartbeat. */
    private void tick() {
        if (socket == null) {
            return;
        }
        if (liveness.isPeerExpired()) {
            long delay = backoff.nextDelayMillis();
            LOG.warn("heartbeat failure, can't reach queue at {}; reconnecting in {} ms", endpoint, delay);
            reactor.unregister(socket);
            context.destroySocket(socket);
            socket = null;
            reconnects++;
            reactor.schedule(delay, this::connect);
            return;
        }
        send(PppProtocol.command(PppProtocol.HEARTBEAT));
    }

    private void onMessage() {
        ZMsg msg = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
        if (msg == null) {
            return;
        }
        liveness.peerSeen();
        backoff.reset();
        connectFailures.recovered();
        if (msg.size() == 1) {
            int command = PppProtocol.commandOf(msg.getFirst());
            if (command != PppProtocol.HEARTBEAT) {
                drops.drop("unexpected command", PppProtocol.commandName(command));
            }
            return;
        }
        ZMsg envelope = takeEnvelope(msg);
        if (envelope == null) {
            drops.drop("malformed request", "no content after the address stack");
            return;
        }
        ZMsg reply = handle(msg);
        if (reply != null) {
            for (ZFrame frame : reply) {
                envelope.add(frame);
            }
            send(envelope);
            requestsHandled++;
        }
    }

    /**
     * Moves the address stack (every frame up to and including the first empty one) from {@code msg} into a new
     * message; a request without an empty frame has no address stack. Null when no content frame is left.
     */
    private static ZMsg takeEnvelope(ZMsg msg) {
        ZMsg envelope = new ZMsg();
        boolean hasDelimiter = false;
        for (ZFrame frame : msg) {
            if (frame.size() == 0) {
                hasDelimiter = true;
                break;
            }
        }
        while (hasDelimiter) {
            ZFrame frame = msg.pop();
            envelope.add(frame);
            if (frame.size() == 0) {
                break;
            }
        }
        return msg.isEmpty() ? null : envelope;
    }

    private ZMsg handle(ZMsg body) {
        try {
            ZMsg reply = handler.handle(body);
            if (reply == null || reply.isEmpty()) {
                handlerFailures++;
                LOG.warn("request handler returned no reply; the request goes unanswered");
                return null;
            }
            return reply;
        } catch (Exception e) {
            handlerFailures++;
            LOG.warn("request handler failed; the request goes unanswered", e);
            return null;
        }
    }

    private void send(ZMsg msg) {
        msg.send(socket);
        liveness.heartbeatSent();
    }

    /** Settings of a {@link ParanoidPirateWorker}; {@link #build()} validates them. */
    public static final class Builder {
        private String endpoint;
        private HeartbeatConfig heartbeat = HeartbeatConfig.DEFAULT;
        private BackoffConfig backoff = BackoffConfig.DEFAULT;
        private RequestHandler handler;
        private ZContext context;
        private Clock clock = Clock.system();

        private Builder() {
        }

        /** The queue's backend endpoint, e.g. {@code tcp://127.0.0.1:5556}. Required. */
        public Builder connect(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Heartbeat interval and liveness, as the queue uses them; default 2500 ms x 3. */
        public Builder heartbeat(HeartbeatConfig heartbeat) {
            this.heartbeat = heartbeat;
            return this;
        }

        /** Wait before reconnecting to a dead queue; default 1 s doubling to 32 s. */
        public Builder backoff(BackoffConfig backoff) {
            this.backoff = backoff;
            return this;
        }

        /** The application code. Required. */
        public Builder handler(RequestHandler handler) {
            this.handler = handler;
            return this;
        }

        /** A context to create the socket in, left open on close. Default: the worker's own. */
        public Builder context(ZContext context) {
            this.context = context;
            return this;
        }

        /** The clock for heartbeats and liveness; tests pass a {@code ManualClock}. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public ParanoidPirateWorker build() {
            return new ParanoidPirateWorker(this);
        }
    }
}
