package io.zreliable.broker;

import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.CurveServerKeys;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.titanic.Titanic;
import io.zreliable.titanic.TitanicConfig;
import io.zreliable.titanic.TitanicStoreConfig;
import io.zreliable.titanic.TitanicStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable titanic}: a Titanic server (9/TSP) against a Majordomo broker, with its store in a directory.
 * Exits 1 with a message naming the file when the store cannot be opened; on SIGTERM closes the store cleanly.
 */
@Command(
        name = "titanic",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run a Titanic server (9/TSP): requests stored on disk are delivered through a Majordomo "
                + "broker, and replies kept until clients collect them (titanic.reply) and close them (titanic.close).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable titanic --connect tcp://127.0.0.1:5555 --store /var/lib/zreliable",
            "  zreliable broker --titanic --store /var/lib/zreliable   (broker and Titanic in one process)"
        })
final class TitanicCommand implements Callable<Integer> {
    static final int EXIT_FATAL = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Majordomo broker endpoint; repeat for an HA pair, Titanic's workers and deliveries move "
                    + "to the next one when a broker dies or refuses them (default: ${DEFAULT-VALUE}).")
    private List<String> connect;

    @Mixin
    final TitanicOptions titanic = new TitanicOptions();

    /** MDP heartbeating of Titanic's workers; must match the broker's. */
    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Mixin
    CurveClientOptions curve = new CurveClientOptions();

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.connectEndpoints(connect, "--connect");
        TitanicConfig config = titanic.builder(connect, heartbeat, curve.keys()).build();
        return run(config, spec, lifetime);
    }

    /**
     * Starts Titanic and keeps it until stopped (SIGTERM); {@link #EXIT_FATAL} with the store's error (naming the
     * file) if it cannot start. Shared with {@code broker --titanic}.
     */
    static int run(TitanicConfig config, CommandSpec spec, ServiceLifetime lifetime) throws Exception {
        Titanic server = startOrReport(config, spec);
        if (server == null) {
            return EXIT_FATAL;
        }
        lifetime.runUntilStopped(server, "titanic");
        return 0;
    }

    /**
     * {@code broker --titanic}: runs Titanic beside {@code broker}, connected to its first endpoint, until stopped;
     * then closes Titanic before the broker. If the store cannot be opened, closes the broker and exits
     * {@link #EXIT_FATAL} with the store's error.
     */
    static int runBeside(MajordomoBroker broker, TitanicOptions options, HeartbeatOptions heartbeat,
            CommandSpec spec, ServiceLifetime lifetime) throws Exception {
        TitanicConfig config;
        try {
            // Beside a CURVE broker, Titanic speaks CURVE with the broker's own key pair, which the broker trusts.
            config = options.builder(List.of(connectable(broker.endpoints().get(0))), heartbeat,
                    broker.config().curve().map(CurveServerKeys::selfClient).orElse(null)).build();
        } catch (IllegalArgumentException e) {
            broker.close();
            throw e;
        }
        Titanic server = startOrReport(config, spec);
        if (server == null) {
            broker.close();
            return EXIT_FATAL;
        }
        lifetime.runUntilStopped(closingTitanicFirst(server, broker), "broker and titanic");
        return 0;
    }

    /** Closes Titanic (unregistering its workers) before the broker it runs beside. */
    static AutoCloseable closingTitanicFirst(Titanic titanic, AutoCloseable broker) {
        return () -> {
            try {
                titanic.close();
            } finally {
                broker.close();
            }
        };
    }

    /**
     * {@code broker --ha ROLE --titanic}: this server's own Titanic, on its own store, connected to its own broker
     * endpoint only, beside the HA broker ({@link HaOptions#run(BrokerConfig, Titanic, ServiceLifetime,
     * java.io.PrintWriter, int)}). It starts with delivery held: while the server is passive its workers are
     * refused by the gate and retry quietly (every pair heartbeat, up to two), and its dispatcher sends nothing,
     * since a request to its own gate would vote this server active. When the server becomes active, delivery
     * resumes and the workers register with the new broker. The store is opened before any endpoint is bound, so a
     * store that cannot be opened exits {@link #EXIT_FATAL} without joining the pair.
     */
    static int runBesideHa(HaOptions ha, BrokerConfig broker, TitanicOptions options, HeartbeatOptions heartbeat,
            CommandSpec spec, ServiceLifetime lifetime, int bindExit) throws Exception {
        TitanicConfig config = options.builder(List.of(connectable(broker.endpoints().get(0))), heartbeat,
                        broker.curve().map(CurveServerKeys::selfClient).orElse(null))
                .holdDispatch(true).reconnectBackoff(ha.besideBackoff()).build();
        Titanic server = startOrReport(config, spec);
        if (server == null) {
            return EXIT_FATAL;
        }
        return ha.run(broker, server, lifetime, spec.commandLine().getErr(), bindExit);
    }

    /** Starts Titanic; null after printing the store's error (which names the file) if the store cannot open. */
    private static Titanic startOrReport(TitanicConfig config, CommandSpec spec) {
        try {
            return Titanic.start(config);
        } catch (TitanicStoreException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return null;
        }
    }

    /** A bound endpoint as one can connect to it: a wildcard address becomes the loopback address. */
    static String connectable(String bound) {
        return bound.replaceFirst("^tcp://(\\*|0\\.0\\.0\\.0|\\[::\\]|\\[::0\\]):", "tcp://127.0.0.1:");
    }

    /** The Titanic flags shared by {@code titanic} and {@code broker --titanic}. */
    static final class TitanicOptions {
        @Option(names = "--store", paramLabel = "DIR", defaultValue = "data",
                description = "Directory of the Titanic store (default: ${DEFAULT-VALUE}).")
        Path store;

        @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "10000",
                description = "How long one delivery to a service waits for its reply (default: ${DEFAULT-VALUE}).")
        long requestTimeoutMs;

        @Option(names = "--max-requests", paramLabel = "N", defaultValue = "100000",
                description = "Requests held at most, waiting or answered; more get 500 (default: ${DEFAULT-VALUE}).")
        int maxRequests;

        @Option(names = "--max-store-bytes", paramLabel = "BYTES", defaultValue = "1073741824",
                description = "Bytes of stored requests and replies held at most; more get 500 "
                        + "(default: ${DEFAULT-VALUE}).")
        long maxStoreBytes;

        /** Checks these flags (before anything starts). */
        void validate() {
            Flags.directory(store, "--store");
            Flags.positive(requestTimeoutMs, "--request-timeout-ms");
            Flags.positive(maxRequests, "--max-requests");
            Flags.positive(maxStoreBytes, "--max-store-bytes");
        }

        TitanicConfig.Builder builder(List<String> endpoints, HeartbeatOptions heartbeat, CurveClientKeys curve) {
            validate();
            TitanicConfig.Builder builder = TitanicConfig.builder(
                    TitanicStoreConfig.builder(store).maxEntries(maxRequests).maxLiveBytes(maxStoreBytes).build());
            endpoints.forEach(builder::connect);
            return builder.heartbeat(heartbeat.toConfig()).requestTimeout(Duration.ofMillis(requestTimeoutMs))
                    .curve(curve);
        }
    }
}
