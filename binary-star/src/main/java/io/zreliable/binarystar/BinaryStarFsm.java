package io.zreliable.binarystar;

import io.zreliable.binarystar.BinaryStarException.Reason;
import io.zreliable.common.Clock;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.Liveness;
import io.zreliable.common.Require;
import java.time.Duration;
import java.util.Locale;

/**
 * The Binary Star finite-state machine, free of sockets: it applies peer-state and client-request events to the
 * server's state and tracks when the peer expires ({@value BstarProtocol#PEER_EXPIRY_HEARTBEATS} heartbeats of
 * silence, read from a {@link Clock} so tests step time).
 *
 * <p>The rules that prevent split brain: a server leaves PRIMARY or BACKUP only by hearing its peer's state, except
 * that a primary whose peer stays silent serves once a client asks (a backup never does); a passive server takes over
 * only when its peer has expired AND a client request arrives, because a client that reaches us while the peer is
 * silent is the evidence that the peer, not the network between the servers, is gone. Once active, a server stays
 * active until it dies. Both servers configured as primary (or as backup), both active, both passive, or a peer
 * state outside the four are fatal ({@link BinaryStarException}); the state does not change then.
 *
 * <p>Thread-safe: events are applied by one thread (the reactor's) and the state may be read from any thread for
 * monitoring; every method is synchronized and cheap.
 */
public final class BinaryStarFsm {
    private final Role role;
    private final Liveness peer;
    private BstarState state;

    public BinaryStarFsm(Role role, Duration heartbeat, Clock clock) {
        this(role, role == null ? null : role.initialState(), heartbeat, clock);
    }

    /** Starts in any state, so tests can drive every row of the transition table. */
    BinaryStarFsm(Role role, BstarState initial, Duration heartbeat, Clock clock) {
        this.role = Require.notNull(role, "binary star role");
        this.state = Require.notNull(initial, "initial state");
        HeartbeatConfig expiry = HeartbeatConfig.builder()
                .interval(Require.positive(heartbeat, "binary star heartbeat"))
                .liveness(BstarProtocol.PEER_EXPIRY_HEARTBEATS)
                .build();
        this.peer = new Liveness(expiry, Require.notNull(clock, "clock"));
    }

    public Role role() {
        return role;
    }

    public synchronized BstarState state() {
        return state;
    }

    /** True when the peer's state has not been heard for two heartbeats (counting from construction or {@link #restartPeerExpiry()}). */
    public synchronized boolean isPeerExpired() {
        return peer.isPeerExpired();
    }

    /** Gives the peer a fresh two heartbeats to be heard, as when the server starts. */
    public synchronized void restartPeerExpiry() {
        peer.reset();
    }

    /** The peer published {@code peerState}: it is alive, and its state may move ours. */
    public synchronized Transition onPeerState(BstarState peerState) {
        Require.notNull(peerState, "peer state");
        peer.peerSeen();
        return apply(peerState.asPeerEvent());
    }

    /** A client sent a request: returns whether we may serve it (and whether it made us active). */
    public synchronized Transition onClientRequest() {
        return apply(BstarEvent.CLIENT_REQUEST);
    }

    /**
     * Applies one event. Peer events should come through {@link #onPeerState} so the peer counts as alive; this
     * method only moves the state.
     */
    synchronized Transition apply(BstarEvent event) {
        Require.notNull(event, "event");
        BstarState from = state;
        boolean accepted = true;
        switch (state) {
            case PRIMARY:
                if (event == BstarEvent.PEER_PRIMARY) {
                    throw sameRole(Reason.BOTH_PRIMARY);
                } else if (event == BstarEvent.PEER_BACKUP) {
                    state = BstarState.ACTIVE; // the backup is up and waiting: we serve
                } else if (event == BstarEvent.PEER_ACTIVE) {
                    state = BstarState.PASSIVE; // the backup took over while we were away: we stand by
                } else if (event == BstarEvent.CLIENT_REQUEST) {
                    // Serving before the peer is heard could make two actives after a failback; wait it out.
                    accepted = peer.isPeerExpired();
                    if (accepted) {
                        state = BstarState.ACTIVE;
                    }
                }
                // PEER_PASSIVE: the peer becomes active on hearing us restart; we follow when it says so.
                break;
            case BACKUP:
                if (event == BstarEvent.PEER_BACKUP) {
                    throw sameRole(Reason.BOTH_BACKUP);
                } else if (event == BstarEvent.PEER_ACTIVE) {
                    state = BstarState.PASSIVE;
                } else if (event == BstarEvent.CLIENT_REQUEST) {
                    accepted = false; // a backup serves only after it has seen an active primary go away
                }
                // PEER_PRIMARY, PEER_PASSIVE: the peer is about to become active; wait for it.
                break;
            case ACTIVE:
                if (event == BstarEvent.PEER_ACTIVE) {
                    throw new BinaryStarException(Reason.DUAL_ACTIVE, "fatal: both servers of the pair are active "
                            + "(split brain); this " + name() + " stops serving");
                } else if (isOwnRole(event)) {
                    throw sameRole(role == Role.PRIMARY ? Reason.BOTH_PRIMARY : Reason.BOTH_BACKUP);
                }
                // The peer restarting or standing by changes nothing: only death ends ACTIVE.
                break;
            case PASSIVE:
                if (event == BstarEvent.PEER_PASSIVE) {
                    throw new BinaryStarException(Reason.DUAL_PASSIVE, "fatal: both servers of the pair are "
                            + "passive, so nobody would serve clients; this " + name() + " stops");
                } else if (isOwnRole(event)) {
                    throw sameRole(role == Role.PRIMARY ? Reason.BOTH_PRIMARY : Reason.BOTH_BACKUP);
                } else if (event == BstarEvent.PEER_PRIMARY || event == BstarEvent.PEER_BACKUP) {
                    state = BstarState.ACTIVE; // the active peer restarted: we take over, it will go passive
                } else if (event == BstarEvent.CLIENT_REQUEST) {
                    // The client's vote counts only if the peer is silent: then it, not the link, is gone.
                    accepted = peer.isPeerExpired();
                    if (accepted) {
                        state = BstarState.ACTIVE;
                    }
                }
                // PEER_ACTIVE: all is well.
                break;
            default:
                throw new IllegalStateException("unknown state " + state);
        }
        return new Transition(from, state, event, accepted);
    }

    private boolean isOwnRole(BstarEvent event) {
        return (role == Role.PRIMARY && event == BstarEvent.PEER_PRIMARY)
                || (role == Role.BACKUP && event == BstarEvent.PEER_BACKUP);
    }

    private BinaryStarException sameRole(Reason reason) {
        String both = role == Role.PRIMARY ? "primary" : "backup";
        return new BinaryStarException(reason, "fatal configuration error: both servers of the pair are configured "
                + "as " + both + "; start exactly one as primary and one as backup, each with its peer endpoint set to "
                + "the other's state endpoint");
    }

    private String name() {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
