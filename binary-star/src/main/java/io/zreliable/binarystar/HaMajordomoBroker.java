package io.zreliable.binarystar;

import io.zreliable.common.Contexts;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.Endpoints;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import io.zreliable.common.Require;
import io.zreliable.common.Sockets;
import io.zreliable.common.ZapAuthenticator;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MdpCodec;
import io.zreliable.majordomo.MdpCommand;
import io.zreliable.majordomo.MdpDialect;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A Majordomo broker made highly available with Binary Star: run one as primary and one as backup, each bound to
 * its own client/worker endpoint, and give clients and workers both endpoints.
 *
 * <h2>Who serves</h2>
 * Only the active server runs a {@link MajordomoBroker}. Until it becomes active, a server binds the broker
 * endpoints with a <em>gate</em> instead, which refuses work in a way that moves clients and workers to the other
 * server:
 * <ul>
 *   <li>a client request (in any MDP dialect, see {@link MdpDialect}) is never answered: the client's retry
 *       policy times out and sends it to the other endpoint. Each one also counts as a Binary Star vote, so when
 *       the active server has been silent for two heartbeats the first client request makes this server
 *       active;</li>
 *   <li>any worker command (READY, HEARTBEAT...) is answered with DISCONNECT in the worker's dialect, so the
 *       worker reconnects to its next endpoint;</li>
 *   <li>anything else is dropped and counted in {@link #drops()}.</li>
 * </ul>
 * On becoming active the gate is closed and a {@link MajordomoBroker} binds the same endpoints (retrying for a
 * moment while the operating system releases the port). The client request that voted is not answered (the gate
 * had it, not the broker); the client's next attempt reaches the new broker. Once active, a server stays active
 * until it is closed or dies.
 *
 * <h2>What a failover loses</h2>
 * The brokers share no state. Requests queued or in flight at the old active are lost with it; clients retry them
 * (MDP clients resend on timeout). Anything an application kept inside the old active process (e.g. Titanic requests
 * it acknowledged) is not on the backup.
 *
 * <h2>Thread contract</h2>
 * The gate and the Binary Star run on the pair's reactor thread; the broker, once started, on its own. The
 * {@link #onActive} hook runs on the pair's reactor thread. {@link #state()}, {@link #broker()},
 * {@link #termination()} and {@link #close()} are safe from any thread.
 */
public final class HaMajordomoBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaMajordomoBroker.class);
    /** Longest routing id a ROUTER hands us. */
    private static final int MAX_ROUTING_ID = 255;
    /** Gate messages read per wake-up before timers and the state socket get their turn. */
    private static final int READ_BATCH = 64;
    /** Binding the broker retries this often while the gate's port is being released... */
    private static final long BIND_RETRY_MS = 50;
    /** ...this many times (5 s in all), then the server gives up serving and says so. */
    private static final int BIND_ATTEMPTS = 100;

    private final BrokerConfig brokerConfig;
    private final ZContext ctx = Contexts.create();
    private final BinaryStar star;
    private final DropCounter drops = new DropCounter(LOG);
    private Consumer<MajordomoBroker> onActive = broker -> {
    };
    private ZMQ.Socket gate;
    /** The gate's ZAP handler when the broker runs CURVE: CURVE clients must reach the gate to vote. */
    private ZapAuthenticator gateAuthenticator;
    private int bindAttempts;
    private volatile MajordomoBroker broker;
    private volatile long refusedWorkers;
    private boolean closed;

    /**
     * @param pair   the Binary Star settings (role, state endpoints, heartbeat)
     * @param broker the broker's settings; its endpoints must have fixed ports, since clients and workers must find
     *               the same endpoint again after a restart
     */
    public HaMajordomoBroker(BinaryStarConfig pair, BrokerConfig broker) {
        Require.notNull(pair, "binary star config");
        this.brokerConfig = Require.notNull(broker, "broker config");
        for (String endpoint : broker.endpoints()) {
            Require.that(!endpoint.endsWith(":*"), "an HA broker endpoint needs a fixed port, was " + endpoint);
        }
        try {
            this.star = new BinaryStar(ctx, pair);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /**
     * Runs {@code hook} on the pair's thread right after this server's broker has started (e.g. to start services
     * that need the broker). Before {@link #start()}.
     */
    public HaMajordomoBroker onActive(Consumer<MajordomoBroker> hook) {
        this.onActive = Require.notNull(hook, "on-active hook");
        return this;
    }

    /**
     * Binds the gate and starts the pair; the broker starts when this server becomes active.
     *
     * @throws IllegalStateException when a broker endpoint cannot be bound
     */
    public synchronized HaMajordomoBroker start() {
        if (closed) {
            throw new IllegalStateException("HA broker is closed");
        }
        brokerConfig.curve().ifPresent(keys -> gateAuthenticator = keys.startAuthenticator(ctx, "ha-gate"));
        gate = Sockets.create(ctx, SocketType.ROUTER, star.frameGuard(), star.config().maxRequestBytes());
        brokerConfig.curve().ifPresent(keys -> keys.apply(gate));
        for (String endpoint : brokerConfig.endpoints()) {
            try {
                Endpoints.bind(gate, endpoint, "broker endpoint");
            } catch (EndpointException e) {
                close(); // nothing of this server stays bound
                throw e;
            }
        }
        star.reactor().register(gate, this::onGate);
        star.onActive(this::becomeActive);
        star.onPassive(() -> LOG.info("HA broker {} passive: refusing clients and workers on {}", name(),
                endpoints()));
        star.termination().whenComplete((ignored, failure) -> {
            if (failure != null) {
                stopBroker();
            }
        });
        star.start();
        LOG.info("HA broker {} ready on {} (state on {}, peer {})", name(), String.join(", ", endpoints()),
                star.localEndpoint(), star.config().peer());
        return this;
    }

    /** The broker endpoints clients and workers connect to. */
    public List<String> endpoints() {
        return brokerConfig.endpoints();
    }

    public BstarState state() {
        return star.state();
    }

    /** The running broker, present only while this server is active. */
    public Optional<MajordomoBroker> broker() {
        return Optional.ofNullable(broker);
    }

    /** The Binary Star under this broker (state, peer liveness, fatal errors). */
    public BinaryStar binaryStar() {
        return star;
    }

    /** Completes when closed; exceptionally with a {@link BinaryStarException} on a fatal pair error. */
    public CompletableFuture<Void> termination() {
        return star.termination();
    }

    /** Messages the gate refused: client requests while not active ("not active"), malformed input. */
    public DropCounter drops() {
        return drops;
    }

    /** How many worker commands the gate answered with DISCONNECT. */
    public long refusedWorkers() {
        return refusedWorkers;
    }

    /** Stops the pair, then the broker if it runs; the peer sees this server go silent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        star.close();
        stopBroker();
        if (gate != null) {
            ctx.destroySocket(gate);
            gate = null;
        }
        if (gateAuthenticator != null) {
            gateAuthenticator.close();
        }
        ctx.close();
    }

    private void onGate(ZMQ.Socket socket) {
        for (int i = 0; i < READ_BATCH && socket == gate; i++) {
            ZMsg msg = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
            if (msg == null) {
                return;
            }
            try {
                refuse(MessageReader.of(msg));
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
        }
    }

    private void refuse(MessageReader in) throws MalformedMessageException {
        byte[] routingId = in.nextBytes("routing id", MAX_ROUTING_ID);
        MdpCodec.Header header = MdpCodec.readHeader(in);
        if (header.role() == MdpCodec.Role.CLIENT) {
            // A client vote; if it makes us active the gate is gone, and the client's retry reaches the broker.
            if (!star.vote()) {
                drops.drop("not active", star.state());
            }
        } else if (!(MdpCodec.readCommand(header, in, MdpCodec.Direction.TO_BROKER)
                instanceof MdpCommand.Disconnect)) {
            ZMsg disconnect = MdpCodec.encode(header.dialect(), new MdpCommand.Disconnect());
            disconnect.push(routingId);
            disconnect.send(gate);
            refusedWorkers++;
        }
    }

    /** Reactor thread: the Binary Star made us active. */
    private void becomeActive() {
        if (gate != null) {
            star.reactor().unregister(gate);
            for (String endpoint : brokerConfig.endpoints()) {
                gate.unbind(endpoint);
            }
            ctx.destroySocket(gate);
            gate = null;
        }
        bindAttempts = 0;
        startBroker();
    }

    private void startBroker() {
        if (star.termination().isDone()) {
            return;
        }
        MajordomoBroker candidate = new MajordomoBroker(brokerConfig);
        try {
            candidate.start();
        } catch (IllegalStateException e) {
            if (++bindAttempts < BIND_ATTEMPTS) {
                LOG.debug("broker endpoint not free yet ({}); retrying in {} ms", e.getMessage(), BIND_RETRY_MS);
                star.reactor().schedule(BIND_RETRY_MS, this::startBroker);
            } else {
                LOG.error("HA broker {} is active but cannot bind {}: {}", name(), endpoints(), e.getMessage());
            }
            return;
        }
        broker = candidate;
        LOG.info("HA broker {} active: serving clients and workers on {}", name(), endpoints());
        onActive.accept(candidate);
    }

    private String name() {
        return star.role().name().toLowerCase(Locale.ROOT);
    }

    private void stopBroker() {
        MajordomoBroker running = broker;
        broker = null;
        if (running != null) {
            running.close();
        }
    }
}
