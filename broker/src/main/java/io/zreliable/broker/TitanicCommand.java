package io.zreliable.broker;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.titanic.Titanic;
import io.zreliable.titanic.TitanicConfig;
import io.zreliable.titanic.TitanicStoreConfig;
import io.zreliable.titanic.TitanicStoreException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable titanic}: a Titanic server (9/TSP) against a Majordomo broker, with its store in a directory.
 * Exits 1 with a message naming the file when the store cannot be opened, 0 on SIGTERM.
 */
@Command(
        name = "titanic",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Runs a Titanic server (9/TSP): stores requests on disk, delivers them through a Majordomo broker and",
            "keeps the replies until clients collect them with titanic.reply and titanic.close."
        })
final class TitanicCommand implements Callable<Integer> {
    static final int EXIT_FATAL = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Majordomo broker endpoint (default: ${DEFAULT-VALUE}).")
    private String connect;

    @Option(names = "--store", paramLabel = "DIR", defaultValue = "data",
            description = "Directory of the store (default: ${DEFAULT-VALUE}).")
    private Path store;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "2500",
            description = "MDP heartbeat interval; must match the broker's (default: ${DEFAULT-VALUE}).")
    private long heartbeatMs;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "How long one delivery to a service waits for the reply (default: ${DEFAULT-VALUE}).")
    private long requestTimeoutMs;

    @Option(names = "--max-requests", paramLabel = "N", defaultValue = "100000",
            description = "Requests held at most, waiting or answered; more get 500 (default: ${DEFAULT-VALUE}).")
    private int maxRequests;

    @Override
    public Integer call() {
        TitanicConfig config = TitanicConfig.builder(TitanicStoreConfig.builder(store).maxEntries(maxRequests).build())
                .connect(connect)
                .heartbeat(HeartbeatConfig.builder().intervalMillis(heartbeatMs).build())
                .requestTimeout(Duration.ofMillis(requestTimeoutMs))
                .build();
        return run(config, spec);
    }

    /** Starts Titanic and blocks until SIGTERM; shared with {@code broker --titanic}. */
    static int run(TitanicConfig config, CommandSpec spec) {
        Titanic titanic;
        try {
            titanic = Titanic.start(config);
        } catch (TitanicStoreException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return EXIT_FATAL;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            titanic.close();
            stopped.countDown();
        }, "titanic-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            BstarEchoCommand.removeHook(hook);
            titanic.close();
        }
        return 0;
    }
}
