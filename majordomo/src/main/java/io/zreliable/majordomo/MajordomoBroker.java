package io.zreliable.majordomo;

import io.zreliable.common.EndpointException;
import io.zreliable.common.Endpoints;
import io.zreliable.common.Clock;
import io.zreliable.common.Contexts;
import io.zreliable.common.FrameGuard;
import io.zreliable.common.Reactor;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import io.zreliable.common.ZapAuthenticator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * A Majordomo broker (7/MDP and 18/MDP, with 8/MMI): one ROUTER socket, bound to one or more endpoints, serves
 * clients and workers of every {@link MdpDialect} at once, each in its own framing; a 0.2 worker's streamed reply
 * reaches a 0.1 client as one REPLY (the README lists the cross-version rules). Services are created on demand;
 * requests queue per service until a worker is ready; idle workers are used least-recently-used first; silent
 * workers expire after heartbeat interval x liveness; a worker that breaks the protocol gets DISCONNECT. Limits and
 * their behaviour are in {@link BrokerConfig}.
 *
 * <pre>{@code
 * try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*").build())) {
 *     broker.start();
 *     String endpoint = broker.endpoints().get(0);
 *     ...
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * {@link #start()} binds and starts one reactor thread that owns the socket and all broker state. {@link #stats()}
 * and {@link #endpoints()} are safe from any thread. {@link #close()} (from any thread but the broker's) sends
 * DISCONNECT to every worker, stops the thread and closes the socket.
 */
public final class MajordomoBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoBroker.class);
    /** Messages read per wake-up before the reactor gets to timers and other sockets again. */
    private static final int READ_BATCH = 256;
    /** How long close() lets DISCONNECTs drain to workers. */
    private static final int CLOSE_LINGER_MS = 1000;

    private final BrokerConfig config;
    private final ZContext context = Contexts.create();
    private final FrameGuard guard = new FrameGuard("mdp-broker");
    private final Reactor reactor;
    private final List<String> bound = new ArrayList<>();
    private volatile BrokerEngine engine;
    private volatile ZapAuthenticator authenticator;
    private ZMQ.Socket socket;
    private boolean started;
    private boolean closed;

    public MajordomoBroker(BrokerConfig config) {
        this(config, Clock.system());
    }

    /** With a given clock for heartbeats, expiry and request TTL (tests pass a {@code ManualClock}). */
    MajordomoBroker(BrokerConfig config, Clock clock) {
        this.config = Require.notNull(config, "broker config");
        this.reactor = new Reactor(clock);
    }

    /**
     * Binds every configured endpoint and starts serving on a new thread.
     *
     * @throws IllegalStateException when an endpoint cannot be bound (in use, bad address); nothing stays bound
     */
    public synchronized MajordomoBroker start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "broker is closed" : "broker is already started");
        }
        // The ZAP handler must be up before the first connection: without one JeroMQ accepts every CURVE key.
        config.curve().ifPresent(keys -> authenticator = keys.startAuthenticator(context, "mdp-broker"));
        // No single frame may exceed the whole-message limit: JeroMQ drops such a connection before reading it all.
        socket = Sockets.create(context, SocketType.ROUTER, guard, config.maxMessageBytes());
        config.curve().ifPresent(keys -> keys.apply(socket));
        socket.setSndHWM(config.highWaterMark());
        socket.setRcvHWM(config.highWaterMark());
        // A reply the socket cannot take (peer at its high-water mark, or gone) fails the send, so it is counted.
        socket.setRouterMandatory(true);
        for (String endpoint : config.endpoints()) {
            try {
                bound.add(Endpoints.bind(socket, endpoint, "broker endpoint"));
            } catch (EndpointException e) {
                reactor.close();
                closeAuthenticator();
                context.close();
                closed = true;
                throw e;
            }
        }
        BrokerEngine created = new BrokerEngine(config, this::send, reactor.clock());
        reactor.register(socket, this::drain);
        long tick = Math.max(1L, config.heartbeat().intervalMillis() / 4);
        reactor.scheduleRepeating(tick, created::onTick);
        engine = created;
        started = true;
        reactor.start("mdp-broker");
        LOG.info("majordomo broker ready on {}", String.join(", ", bound));
        return this;
    }

    private void drain(ZMQ.Socket readable) {
        for (int i = 0; i < READ_BATCH; i++) {
            ZMsg msg = ZMsg.recvMsg(readable, ZMQ.DONTWAIT);
            if (msg == null) {
                return;
            }
            engine.onMessage(msg);
        }
    }

    /**
     * Sends without ever blocking the broker: with ROUTER_MANDATORY the routing-id frame fails at once when the
     * peer's queue is full (EAGAIN) or the peer is gone (EHOSTUNREACH); once it is taken, the rest of the message is.
     */
    private BrokerOutbox.Delivery send(ZMsg msg) {
        ZFrame routingId = msg.pop();
        try {
            if (!socket.send(routingId.getData(), ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
                return BrokerOutbox.Delivery.PEER_FULL;
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.EHOSTUNREACH.getCode()) {
                return BrokerOutbox.Delivery.PEER_GONE;
            }
            throw e;
        }
        msg.send(socket);
        return BrokerOutbox.Delivery.SENT;
    }

    /** The endpoints actually bound (wildcard ports resolved), in configuration order. Empty before start. */
    public synchronized List<String> endpoints() {
        return List.copyOf(bound);
    }

    public BrokerConfig config() {
        return config;
    }

    /** The ZAP handler (its allowed / refused counters) when the broker runs with CURVE; empty otherwise. */
    public Optional<ZapAuthenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    /** Frames of impossible size the broker's socket refused before allocating them (see {@link FrameGuard}). */
    public FrameGuard frameGuard() {
        return guard;
    }

    /** Counters so far; all zero before start. */
    public BrokerStats stats() {
        BrokerEngine current = engine;
        return current == null ? new BrokerStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of()) : current.stats();
    }

    /** Sends DISCONNECT to every worker, stops the broker thread and closes the socket. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            ReactorCalls.runAndWait(reactor, engine::disconnectAll, "disconnecting the broker's workers");
        }
        reactor.close();
        // The reactor thread is gone, so the socket is ours again. Linger lets the DISCONNECTs reach the workers.
        context.setLinger(CLOSE_LINGER_MS);
        if (socket != null) {
            context.destroySocket(socket);
        }
        closeAuthenticator();
        context.close();
        LOG.info("majordomo broker on {} closed", String.join(", ", bound));
    }

    private void closeAuthenticator() {
        if (authenticator != null) {
            authenticator.close();
        }
    }
}
