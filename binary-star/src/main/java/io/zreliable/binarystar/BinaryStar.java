package io.zreliable.binarystar;

import io.zreliable.common.Clock;
import io.zreliable.common.Contexts;
import io.zreliable.common.CurveServerKeys;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.Endpoints;
import io.zreliable.common.FailureLog;
import io.zreliable.common.FrameGuard;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.Reactor;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import io.zreliable.common.Timer;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * One server of a Binary Star pair: it publishes its state to the peer every heartbeat, follows the peer's state,
 * and decides with {@link BinaryStarFsm} whether it may serve clients. Any request-reply server becomes HA by
 * serving through {@link #voter} (or by calling {@link #vote()} for each client request it reads itself).
 *
 * <pre>{@code
 * try (ZContext ctx = Contexts.create();
 *      BinaryStar star = new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.PRIMARY)
 *              .local("tcp://*:5003").peer("tcp://backup-host:5004").build())) {
 *     star.onActive(() -> log.info("serving"));
 *     star.voter("tcp://*:5001", SocketType.ROUTER, (socket, request) -> request.send(socket)); // echo
 *     star.start();
 *     star.termination().join(); // throws if the pair is misconfigured or splits
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * The sockets, the state machine's events, the callbacks and the voter handler all run on one reactor thread,
 * started by {@link #start()}. Configure ({@link #onActive}, {@link #onPassive}, {@link #voter}, and sockets or
 * timers added through {@link #reactor()}) before {@code start()}. {@link #state()}, {@link #isPeerAlive()},
 * {@link #termination()} and {@link #close()} are safe from any thread. The {@link ZContext} belongs to the caller,
 * who closes it after this object.
 *
 * <h2>Fatal errors</h2>
 * A misconfigured pair (both primary, both backup), two actives, two passives or a peer state outside the four is
 * logged at ERROR; the server stops serving at once, keeps publishing its state for two more heartbeats (at least
 * half a second) so that the peer detects the error too, then stops its reactor and completes {@link #termination()}
 * exceptionally with the {@link BinaryStarException}.
 */
public final class BinaryStar implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryStar.class);
    /** State messages are idempotent: a short queue is plenty, and a stuck peer must not cost memory. */
    private static final int STATE_HWM = 100;
    /** Largest frame the state subscriber takes with CURVE: room for the handshake's commands. */
    private static final int CURVE_STATE_MAX_BYTES = 1024;
    /** Largest frame the state publisher reads without CURVE: room for a peer's READY command and short topics. */
    static final int MAX_SUBSCRIPTION_BYTES = 255;
    /** How long a connection to the peer may take to complete its handshake before it is retried. */
    static final int HANDSHAKE_MS = 1000;
    /** After a fatal error, the state is still published this long (at least two heartbeats) before stopping. */
    private static final long FATAL_GRACE_MIN_MS = 500;
    private static final Runnable NOTHING = () -> {
    };

    private final ZContext ctx;
    private final BinaryStarConfig config;
    private final Reactor reactor;
    private final BinaryStarFsm fsm;
    private final ZMQ.Socket statePub;
    private final ZMQ.Socket stateSub;
    private final String localEndpoint;
    private final DropCounter drops = new DropCounter(LOG);
    private final FailureLog peerFailures = new FailureLog(LOG);
    /** False until the state subscriber could be connected to the peer (constructor, then reactor thread). */
    private boolean peerConnected;
    private final FrameGuard guard;
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final String name;

    private Runnable onActive = NOTHING;
    private Runnable onPassive = NOTHING;
    private ZMQ.Socket voter;
    private VoterHandler voterHandler;
    private Timer heartbeat;
    private BinaryStarException failure;
    private volatile boolean started;
    private boolean closed;

    /**
     * Binds the state publisher and connects the subscriber; nothing runs until {@link #start()}.
     *
     * @throws IllegalStateException when the state endpoint cannot be bound (e.g. it is in use)
     */
    public BinaryStar(ZContext ctx, BinaryStarConfig config) {
        Clock clock = Clock.system();
        this.ctx = Require.notNull(ctx, "ZeroMQ context");
        this.config = Require.notNull(config, "binary star config");
        this.name = config.role().name().toLowerCase(Locale.ROOT);
        this.guard = new FrameGuard("bstar-" + name);
        this.reactor = new Reactor(clock);
        this.fsm = new BinaryStarFsm(config.role(), config.heartbeat(), clock);
        ZMQ.Socket pub = null;
        ZMQ.Socket sub = null;
        CurveServerKeys curve = config.stateCurve().orElse(null);
        try {
            // Anyone can connect to the state port and send subscriptions; JeroMQ keeps them in a trie it walks
            // recursively, so a long one would overflow our thread's stack. A Guide peer subscribes to "" (one
            // byte on the wire): the frame limit drops any connection sending a longer one before it is parsed.
            long pubMaxFrame = curve != null ? CURVE_STATE_MAX_BYTES : MAX_SUBSCRIPTION_BYTES;
            pub = Sockets.create(ctx, SocketType.PUB, guard, pubMaxFrame);
            pub.setSndHWM(STATE_HWM);
            pub.setRcvHWM(STATE_HWM);
            if (curve != null) {
                curve.apply(pub);
            }
            bind(pub, config.local(), "binary star state endpoint");
            this.localEndpoint = pub.getLastEndpoint();
            // Anything longer than a state number is not from a Binary Star peer: let ZeroMQ cut it off. The limit
            // also applies to the CURVE handshake's commands (WELCOME is 168 bytes), hence the larger one with CURVE.
            sub = Sockets.create(ctx, SocketType.SUB, guard, curve != null ? CURVE_STATE_MAX_BYTES : 64);
            sub.setRcvHWM(STATE_HWM);
            // A connection whose ZMTP handshake stalls carries nothing until this runs out (JeroMQ's default is
            // 30 s; we saw such stalls under load), so give up on it soon and reconnect.
            sub.setHandshakeIvl(HANDSHAKE_MS);
            sub.subscribe(ZMQ.SUBSCRIPTION_ALL);
            if (curve != null) {
                // Only a publisher holding the pair's secret key passes the handshake: states cannot be spoofed.
                curve.selfClient().apply(sub);
            }
            peerConnected = connectPeer(sub);
        } catch (RuntimeException e) {
            destroy(pub);
            destroy(sub);
            reactor.close();
            throw e;
        }
        this.statePub = pub;
        this.stateSub = sub;
    }

    /** Runs {@code callback} on the reactor thread each time this server becomes active. Before {@link #start()}. */
    public BinaryStar onActive(Runnable callback) {
        requireNotStarted();
        this.onActive = Require.notNull(callback, "on-active callback");
        return this;
    }

    /** Runs {@code callback} on the reactor thread each time this server becomes passive. Before {@link #start()}. */
    public BinaryStar onPassive(Runnable callback) {
        requireNotStarted();
        this.onPassive = Require.notNull(callback, "on-passive callback");
        return this;
    }

    /**
     * Binds the client-facing socket whose requests are the votes of the election: each request read from it is a
     * CLIENT_REQUEST event, passed to {@code handler} only if this server may serve it and dropped otherwise (counted
     * in {@link #drops()} as "not active"). One voter per server; before {@link #start()}.
     *
     * @return the bound endpoint (with the actual port if {@code endpoint} asked for {@code *})
     * @throws IllegalStateException when the endpoint cannot be bound
     */
    public String voter(String endpoint, SocketType type, VoterHandler handler) {
        requireNotStarted();
        Endpoints.require(endpoint, "binary star voter endpoint");
        Require.notNull(type, "voter socket type");
        Require.notNull(handler, "voter handler");
        if (voter != null) {
            throw new IllegalStateException("this binary star already has a voter socket");
        }
        ZMQ.Socket socket = Sockets.create(ctx, type, guard, config.maxRequestBytes());
        try {
            bind(socket, endpoint, "binary star voter endpoint");
        } catch (RuntimeException e) {
            destroy(socket);
            throw e;
        }
        voter = socket;
        voterHandler = handler;
        reactor.register(socket, this::onVoterReadable);
        return socket.getLastEndpoint();
    }

    /**
     * Counts one client request as a vote and says whether this server may serve it; for applications that read
     * client requests from sockets of their own. Reactor thread only.
     */
    public boolean vote() {
        if (failure != null) {
            return false;
        }
        Transition t = fsm.onClientRequest();
        apply(t);
        return t.accepted();
    }

    /** The reactor running this server, for the application's own sockets and timers (see the thread contract). */
    public Reactor reactor() {
        return reactor;
    }

    /** Starts publishing the state and following the peer, on a new reactor thread. */
    public synchronized void start() {
        requireNotStarted();
        if (closed) {
            throw new IllegalStateException("binary star is closed");
        }
        started = true;
        reactor.register(stateSub, this::onPeerState);
        fsm.restartPeerExpiry();
        publishState();
        heartbeat = reactor.scheduleRepeating(config.heartbeat().toMillis(), this::publishState);
        reactor.start("bstar-" + name);
        LOG.info("binary star {} started: state published on {}, peer at {}, heartbeat {} ms", name, localEndpoint,
                config.peer(), config.heartbeat().toMillis());
    }

    public Role role() {
        return config.role();
    }

    public BinaryStarConfig config() {
        return config;
    }

    /** The current state. Any thread. */
    public BstarState state() {
        return fsm.state();
    }

    /** True while the peer's state has been heard within the last two heartbeats. Any thread. */
    public boolean isPeerAlive() {
        return !fsm.isPeerExpired();
    }

    /** The endpoint the state publisher is bound to (with the actual port if the config asked for {@code *}). */
    public String localEndpoint() {
        return localEndpoint;
    }

    /** Frames of impossible size refused by this server's sockets, state and voter (see {@link FrameGuard}). */
    public FrameGuard frameGuard() {
        return guard;
    }

    /** Malformed peer state messages and client requests refused while not active, by reason. */
    public DropCounter drops() {
        return drops;
    }

    /**
     * Completes normally when this server is closed, exceptionally with a {@link BinaryStarException} when it stopped
     * on a fatal error. Any thread.
     */
    public CompletableFuture<Void> termination() {
        return termination;
    }

    /** Stops the reactor and closes this server's sockets; the peer sees it go silent. Any thread but the reactor's. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reactor.close();
        destroy(voter);
        destroy(stateSub);
        destroy(statePub);
        termination.complete(null);
        LOG.info("binary star {} closed in state {}", name, fsm.state());
    }

    private void onPeerState(ZMQ.Socket socket) {
        ZMsg msg = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
        if (msg == null) {
            return;
        }
        try {
            apply(fsm.onPeerState(BstarProtocol.decode(msg)));
        } catch (MalformedMessageException e) {
            drops.drop(e);
        } catch (BinaryStarException e) {
            fail(e);
        }
    }

    private void onVoterReadable(ZMQ.Socket socket) {
        ZMsg request = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
        if (request == null) {
            return;
        }
        if (vote()) {
            voterHandler.onRequest(socket, request);
        } else {
            drops.drop("not active", fsm.state());
            request.destroy();
        }
    }

    private void apply(Transition t) {
        if (!t.changed()) {
            return;
        }
        LOG.info("binary star {}: {} -> {} on {}", name, t.from(), t.to(), t.event());
        // Tell the peer at once rather than at the next heartbeat: it converges a heartbeat sooner.
        publishState();
        Runnable callback = t.becameActive() ? onActive : t.becamePassive() ? onPassive : NOTHING;
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.error("binary star {}: the on-{} callback failed", name, t.to().name().toLowerCase(Locale.ROOT), e);
        }
    }

    private void publishState() {
        BstarProtocol.encode(fsm.state()).send(statePub);
        if (!peerConnected) {
            peerConnected = connectPeer(stateSub);
        }
    }

    /**
     * Connects the state subscriber to the peer; false (warning once per distinct reason) when that cannot be done
     * yet, say while the peer's host name does not resolve: it is tried again every heartbeat, and meanwhile the
     * peer counts as silent.
     */
    private boolean connectPeer(ZMQ.Socket sub) {
        try {
            Endpoints.connect(sub, config.peer());
        } catch (EndpointException e) {
            peerFailures.failed(e.getMessage() + "; binary star " + name + " retries every heartbeat");
            return false;
        }
        if (peerFailures.failures() > 0) {
            LOG.info("binary star {} connected to its peer at {}", name, config.peer());
        }
        return true;
    }

    private void fail(BinaryStarException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        LOG.error("binary star {} stops: {}", name, e.getMessage());
        // Stop serving and listening now, but keep publishing our state a little longer: the peer may not have heard
        // us yet, and it must detect the misconfiguration too rather than carry on alone.
        if (voter != null) {
            reactor.unregister(voter);
        }
        reactor.unregister(stateSub);
        reactor.schedule(Math.max(config.peerExpiry().toMillis(), FATAL_GRACE_MIN_MS), () -> {
            heartbeat.cancel();
            termination.completeExceptionally(e);
            reactor.stop();
        });
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("binary star is already started; configure it before start()");
        }
    }

    /** Binds, turning JeroMQ's failure (e.g. address in use) into a message that names the endpoint. */
    private static void bind(ZMQ.Socket socket, String endpoint, String what) {
        Endpoints.bind(socket, endpoint, what);
    }

    private void destroy(ZMQ.Socket socket) {
        if (socket != null) {
            ctx.destroySocket(socket);
        }
    }

    @Override
    public String toString() {
        return "BinaryStar[" + name + ", " + fsm.state() + ", local=" + localEndpoint + ", peer=" + config.peer()
                + "]";
    }
}
