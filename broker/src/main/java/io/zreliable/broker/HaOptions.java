package io.zreliable.broker;

import io.zreliable.binarystar.BinaryStarConfig;
import io.zreliable.binarystar.HaMajordomoBroker;
import io.zreliable.binarystar.Role;
import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveServerKeys;
import io.zreliable.common.Require;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.titanic.Titanic;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The {@code --ha} flags of {@code zreliable broker}: run the broker as one server of a Binary Star pair
 * ({@link HaMajordomoBroker}). Without {@code --ha} the broker runs alone and these flags must not be given.
 */
final class HaOptions {
    @Option(names = "--ha", paramLabel = "ROLE",
            description = "Run as one server of a Binary Star high-availability pair: primary or backup. Only the "
                    + "active server serves; the passive one leaves clients unanswered and sends workers DISCONNECT.")
    String role;

    @Option(names = "--ha-local", paramLabel = "ENDPOINT",
            description = "With --ha: endpoint this server publishes its pair state on, e.g. tcp://*:5003.")
    String local;

    @Option(names = "--ha-peer", paramLabel = "ENDPOINT",
            description = "With --ha: the other server's --ha-local endpoint, e.g. tcp://backup-host:5004.")
    String peer;

    /** The pair heartbeat when --pair-heartbeat-ms is not given. */
    static final long DEFAULT_PAIR_HEARTBEAT_MS = 1000;

    @Option(names = "--pair-heartbeat-ms", paramLabel = "MS",
            description = "With --ha: how often the two servers exchange states; the peer is dead after two "
                    + "(default: " + DEFAULT_PAIR_HEARTBEAT_MS + ").")
    Long pairHeartbeatMillis;

    /** The name the pair heartbeat had here; still accepted, not shown. */
    @Option(names = "--ha-heartbeat-ms", paramLabel = "MS", hidden = true)
    void legacyHeartbeat(long millis) {
        this.pairHeartbeatMillis = millis;
    }

    long heartbeatMillis = DEFAULT_PAIR_HEARTBEAT_MS;

    boolean enabled() {
        Require.that(role != null || (local == null && peer == null), "--ha-local and --ha-peer need --ha");
        Require.that(role != null || pairHeartbeatMillis == null, "--pair-heartbeat-ms applies only with --ha");
        if (pairHeartbeatMillis != null) {
            heartbeatMillis = Flags.positive(pairHeartbeatMillis, "--pair-heartbeat-ms");
        }
        return role != null;
    }

    /** The pair's settings; with the broker's CURVE keys (shared by both servers) the state link is CURVE too. */
    BinaryStarConfig toConfig(CurveServerKeys curve) {
        Require.that(local != null && peer != null, "--ha needs --ha-local and --ha-peer");
        Flags.bindEndpoint(local, "--ha-local");
        Flags.connectEndpoints(java.util.List.of(peer), "--ha-peer");
        return BinaryStarConfig.builder().role(Role.parse(role)).local(local).peer(peer)
                .heartbeatMillis(heartbeatMillis).stateCurve(curve).build();
    }

    /**
     * Reconnect back-off for a service that runs beside this server and connects to its broker endpoint: while the
     * server is passive the gate refuses it; retrying every heartbeat, doubling up to the peer expiry (2
     * heartbeats), lets it register about as fast as the takeover itself once the server is active.
     */
    BackoffConfig besideBackoff() {
        return BackoffConfig.builder().initialMillis(heartbeatMillis).maxMillis(2 * heartbeatMillis).build();
    }

    /**
     * Runs the broker as an HA server until SIGTERM ({@code lifetime}) or a fatal pair error: 0 on a clean stop,
     * {@code bindExit} when an endpoint cannot be bound, {@link BstarEchoCommand#EXIT_FATAL} on a fatal pair error.
     */
    int run(BrokerConfig broker, ServiceLifetime lifetime, PrintWriter err, int bindExit) throws Exception {
        return run(broker, null, lifetime, err, bindExit);
    }

    /**
     * As {@link #run(BrokerConfig, ServiceLifetime, PrintWriter, int)}, with a Titanic (started with delivery held,
     * connected to this server's own endpoint) beside the broker: its delivery resumes when this server becomes
     * active; it is closed before the pair, and also if the pair cannot start. Null for none.
     */
    int run(BrokerConfig broker, Titanic titanic, ServiceLifetime lifetime, PrintWriter err, int bindExit)
            throws Exception {
        HaMajordomoBroker ha;
        try {
            ha = new HaMajordomoBroker(toConfig(broker.curve().orElse(null)), broker);
            if (titanic != null) {
                ha.onActive(running -> titanic.resumeDispatch());
            }
            ha.start();
        } catch (IllegalStateException e) {
            closeQuietly(titanic);
            return BstarEchoCommand.fail(err, e.getMessage(), bindExit);
        } catch (RuntimeException e) {
            closeQuietly(titanic);
            throw e;
        }
        ha.termination().whenComplete((ignored, failure) -> lifetime.stop());
        if (titanic == null) {
            lifetime.runUntilStopped(ha, "HA broker");
        } else {
            lifetime.runUntilStopped(TitanicCommand.closingTitanicFirst(titanic, ha), "HA broker and titanic");
        }
        return BstarEchoCommand.exitCode(ha.termination(), err);
    }

    private static void closeQuietly(Titanic titanic) {
        if (titanic != null) {
            titanic.close();
        }
    }
}
