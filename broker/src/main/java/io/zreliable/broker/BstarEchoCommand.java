package io.zreliable.broker;

import io.zreliable.binarystar.BinaryStar;
import io.zreliable.binarystar.BinaryStarConfig;
import io.zreliable.binarystar.BinaryStarException;
import io.zreliable.binarystar.Role;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
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
 * backup, split brain), 0 on SIGTERM.
 */
@Command(
        name = "bstar-echo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs one server of a Binary Star (high-availability) pair of echo servers.",
            "Start one with --primary and one with --backup, each with --peer set to the other's --local."
        })
final class BstarEchoCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BstarEchoCommand.class);
    static final int EXIT_FATAL = 1;

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private RoleOption role;

    static final class RoleOption {
        @Option(names = "--primary", required = true, description = "Run as the primary server.")
        boolean primary;

        @Option(names = "--backup", required = true, description = "Run as the backup server.")
        boolean backup;

        Role role() {
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

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "1000",
            description = "How often the servers exchange states; the peer is dead after two (default: ${DEFAULT-VALUE}).")
    private long heartbeatMs;

    @Override
    public Integer call() {
        BinaryStarConfig config = BinaryStarConfig.builder()
                .role(role.role())
                .local(local)
                .peer(peer)
                .heartbeatMillis(heartbeatMs)
                .build();
        try (ZContext ctx = new ZContext(); BinaryStar star = new BinaryStar(ctx, config)) {
            String endpoint = star.voter(bind, SocketType.ROUTER, (socket, request) -> request.send(socket));
            star.onActive(() -> LOG.info("active: answering clients on {}", endpoint));
            star.onPassive(() -> LOG.info("passive: standing by for the peer at {}", config.peer()));
            Thread hook = new Thread(star::close, "bstar-echo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                star.start();
                LOG.info("bstar-echo {} ready on {} (state on {}, peer {})",
                        config.role().name().toLowerCase(Locale.ROOT), endpoint, star.localEndpoint(), config.peer());
                return awaitTermination(star, spec.commandLine().getErr());
            } finally {
                removeHook(hook);
            }
        }
    }

    /** Drops a shutdown hook once it is not needed; during shutdown that is refused, and the hook runs anyway. */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            LOG.debug("shutting down: the hook stays", e);
        }
    }

    /** Waits until the server stops: 0 when closed (SIGTERM), {@link #EXIT_FATAL} with a message on a fatal error. */
    static int awaitTermination(BinaryStar star, PrintWriter err) {
        try {
            star.termination().join();
            return 0;
        } catch (CompletionException e) {
            if (e.getCause() instanceof BinaryStarException) {
                err.println("error: " + e.getCause().getMessage());
                err.flush();
                return EXIT_FATAL;
            }
            throw e;
        }
    }
}
