package io.zreliable.broker;

import io.zreliable.binarystar.BinaryStar;
import io.zreliable.binarystar.BinaryStarConfig;
import io.zreliable.binarystar.BinaryStarException;
import io.zreliable.binarystar.Role;
import io.zreliable.common.Contexts;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable bstar-echo}: one server of a Binary Star pair of echo servers. Clients send requests to
 * {@code --bind}; only the active server answers. Exits 1 with a message on a fatal pair error (both primary, both
 * backup, split brain) or an endpoint it cannot bind, 0 on SIGTERM.
 */
@Command(
        name = "bstar-echo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs one server of a Binary Star (high-availability) pair of echo servers.",
            "Start one with --role primary and one with --role backup, each with --peer set to the other's "
                    + "--local."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable bstar-echo --role primary --bind tcp://127.0.0.1:5001 --local tcp://127.0.0.1:5003 \\",
            "      --peer tcp://127.0.0.1:5004",
            "  zreliable bstar-echo --role backup --bind tcp://127.0.0.1:5002 --local tcp://127.0.0.1:5004 \\",
            "      --peer tcp://127.0.0.1:5003"
        })
final class BstarEchoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BstarEchoCommand.class);
    /** Exit code on a fatal pair error (both primary, both backup, split brain). */
    static final int EXIT_FATAL = 1;
    /** Exit code when an endpoint cannot be bound. */
    static final int EXIT_BIND = 1;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private RoleOption role;

    /** {@code --role ROLE}, as {@code broker --ha ROLE} takes it; the older {@code --primary}/{@code --backup} too. */
    static final class RoleOption {
        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "This server's role in the pair: primary or backup.")
        String role;

        @Option(names = "--primary", required = true, hidden = true)
        boolean primary;

        @Option(names = "--backup", required = true, hidden = true)
        boolean backup;

        Role role() {
            if (role != null) {
                return Role.parse(role);
            }
            return primary ? Role.PRIMARY : Role.BACKUP;
        }
    }

    @Option(names = "--bind", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint clients send requests to (a ROUTER socket), e.g. tcp://*:5001.")
    private String bind;

    @Option(names = "--local", required = true, paramLabel = "ENDPOINT",
            description = "Endpoint this server publishes its state on, e.g. tcp://*:5003.")
    private String local;

    @Option(names = "--peer", required = true, paramLabel = "ENDPOINT",
            description = "The other server's --local endpoint, e.g. tcp://backup-host:5004.")
    private String peer;

    /** No default value in the annotation: picocli would apply it over the older spelling's value. */
    @Option(names = "--pair-heartbeat-ms", paramLabel = "MS",
            description = "How often the two servers exchange states; the peer is dead after two (default: "
                    + HaOptions.DEFAULT_PAIR_HEARTBEAT_MS + ").")
    private long heartbeatMs = HaOptions.DEFAULT_PAIR_HEARTBEAT_MS;

    /** The name the pair heartbeat had here; still accepted, not shown. */
    @Option(names = "--heartbeat-ms", paramLabel = "MS", hidden = true)
    void legacyHeartbeat(long millis) {
        this.heartbeatMs = millis;
    }

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.bindEndpoint(bind, "--bind");
        Flags.bindEndpoint(local, "--local");
        Flags.connectEndpoints(java.util.List.of(peer), "--peer");
        Flags.positive(heartbeatMs, "--pair-heartbeat-ms");
        BinaryStarConfig config = BinaryStarConfig.builder()
                .role(role.role())
                .local(local)
                .peer(peer)
                .heartbeatMillis(heartbeatMs)
                .build();
        PrintWriter err = spec.commandLine().getErr();
        try (ZContext ctx = Contexts.create()) {
            BinaryStar star;
            String endpoint;
            try {
                star = new BinaryStar(ctx, config);
            } catch (IllegalStateException e) {
                return fail(err, e.getMessage(), EXIT_BIND);
            }
            try {
                endpoint = star.voter(bind, SocketType.ROUTER, (socket, request) -> request.send(socket));
            } catch (IllegalStateException e) {
                star.close();
                return fail(err, e.getMessage(), EXIT_BIND);
            }
            star.onActive(() -> LOG.info("active: answering clients on {}", endpoint));
            star.onPassive(() -> LOG.info("passive: standing by for the peer at {}", config.peer()));
            star.termination().whenComplete((ignored, failure) -> lifetime.stop());
            star.start();
            LOG.info("bstar-echo {} ready on {} (state on {}, peer {})", config.role().name().toLowerCase(Locale.ROOT),
                    endpoint, star.localEndpoint(), config.peer());
            lifetime.runUntilStopped(star, "bstar-echo");
            return exitCode(star.termination(), err);
        }
    }

    /**
     * The exit code of a stopped Binary Star server: 0 when it was closed, {@link #EXIT_FATAL} (with the reason on
     * {@code err}) when it stopped on a fatal pair error.
     */
    static int exitCode(CompletableFuture<Void> termination, PrintWriter err) {
        try {
            termination.join();
            return 0;
        } catch (CompletionException e) {
            if (e.getCause() instanceof BinaryStarException) {
                return fail(err, e.getCause().getMessage(), EXIT_FATAL);
            }
            throw e;
        }
    }

    static int fail(PrintWriter err, String message, int exit) {
        err.println("error: " + message);
        err.flush();
        return exit;
    }
}
