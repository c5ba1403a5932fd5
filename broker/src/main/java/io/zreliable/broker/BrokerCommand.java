package io.zreliable.broker;

import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zreliable broker}: runs a Majordomo broker (7/MDP with 8/MMI) until SIGTERM. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a Majordomo broker (7/MDP, MDP/0.1, with 8/MMI): clients and workers on one socket. "
                + "Logs 'broker ready on ENDPOINT' when listening; SIGTERM sends DISCONNECT to the workers and "
                + "exits.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable broker --bind tcp://127.0.0.1:5555",
            "  zreliable broker --bind tcp://0.0.0.0:5555 --titanic --store /var/lib/zreliable",
            "  zreliable broker --ha primary --bind tcp://0.0.0.0:5001 --ha-local tcp://0.0.0.0:5003 \\",
            "      --ha-peer tcp://backup-host:5004"
        })
public final class BrokerCommand implements Callable<Integer> {
    /** Exit code when an endpoint cannot be bound. */
    public static final int EXIT_BIND = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ENDPOINT",
            description = "Endpoint to bind; repeat for several (default: " + BrokerConfig.DEFAULT_ENDPOINT + ").")
    List<String> endpoints = new ArrayList<>();

    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Option(names = "--max-queue-per-service", paramLabel = "N", defaultValue = "200000",
            description = "Requests one service may queue; more are dropped and the client retries "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxQueuePerService;

    @Option(names = "--max-queue", paramLabel = "N", defaultValue = "1000000",
            description = "Requests all services may queue together; more are dropped (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--max-workers", paramLabel = "N", defaultValue = "10000",
            description = "Workers registered at once; a READY beyond gets DISCONNECT (default: ${DEFAULT-VALUE}).")
    int maxWorkers;

    @Option(names = "--max-queue-bytes-per-service", paramLabel = "BYTES", defaultValue = "100663296",
            description = "Bytes one service's queued requests may take (frames + 256 each); more are dropped "
                    + "(default: ${DEFAULT-VALUE}, 96 MiB).")
    long maxQueueBytesPerService;

    @Option(names = "--max-queue-bytes", paramLabel = "BYTES", defaultValue = "134217728",
            description = "Bytes all queued requests may take together; more are dropped "
                    + "(default: ${DEFAULT-VALUE}, 128 MiB).")
    long maxQueueBytes;

    @Option(names = "--request-ttl-ms", paramLabel = "MS", defaultValue = "60000",
            description = "Longest a request waits while its service has no worker before it is discarded "
                    + "(default: ${DEFAULT-VALUE}).")
    long requestTtlMillis;

    @Option(names = "--max-wait-ms", paramLabel = "MS", defaultValue = "0",
            description = "Longest a request waits for a worker even while the service has busy workers; "
                    + "0 = no bound (default: ${DEFAULT-VALUE}).")
    long maxWaitMillis;

    @Option(names = "--max-message-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest request or reply; a larger request is dropped, a worker sending a larger reply "
                    + "gets DISCONNECT (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Mixin
    BrokerLimitOptions limits = new BrokerLimitOptions();

    @Mixin
    CurveServerOptions curve = new CurveServerOptions();

    @Mixin
    HaOptions ha = new HaOptions();

    @Option(names = "--titanic",
            description = "Also run a Titanic server (9/TSP) in this process, its store in --store.")
    boolean titanic;

    @Mixin
    TitanicCommand.TitanicOptions titanicOptions = new TitanicCommand.TitanicOptions();

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        endpoints.forEach(endpoint -> Flags.bindEndpoint(endpoint, "--bind"));
        Flags.positive(maxQueuePerService, "--max-queue-per-service");
        Flags.positive(maxQueue, "--max-queue");
        Flags.positive(maxWorkers, "--max-workers");
        Flags.positive(maxQueueBytesPerService, "--max-queue-bytes-per-service");
        Flags.positive(maxQueueBytes, "--max-queue-bytes");
        Flags.positive(requestTtlMillis, "--request-ttl-ms");
        Flags.notNegative(maxWaitMillis, "--max-wait-ms");
        Flags.positive(maxMessageBytes, "--max-message-bytes");
        Flags.onlyWith(spec, titanic, "--titanic", "--store", "--request-timeout-ms", "--max-requests",
                "--max-store-bytes");
        if (titanic) {
            titanicOptions.validate();
        }
        BrokerConfig config = limits.applyTo(BrokerConfig.builder()).bind(endpoints).heartbeat(heartbeat.toConfig())
                .maxQueuePerService(maxQueuePerService).maxQueue(maxQueue).maxWorkers(maxWorkers)
                .maxQueueBytesPerService(maxQueueBytesPerService).maxQueueBytes(maxQueueBytes)
                .requestTtl(Duration.ofMillis(requestTtlMillis)).maxWait(Duration.ofMillis(maxWaitMillis))
                .maxMessageBytes(maxMessageBytes).curve(curve.keys())
                .build();
        if (ha.enabled()) {
            // With --titanic each server runs its own Titanic on its own store (not replicated; see README).
            return titanic
                    ? TitanicCommand.runBesideHa(ha, config, titanicOptions, heartbeat, spec, lifetime, EXIT_BIND)
                    : ha.run(config, lifetime, spec.commandLine().getErr(), EXIT_BIND);
        }
        MajordomoBroker broker = new MajordomoBroker(config);
        try {
            broker.start();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return EXIT_BIND;
        }
        if (titanic) {
            return TitanicCommand.runBeside(broker, titanicOptions, heartbeat, spec, lifetime);
        }
        lifetime.runUntilStopped(broker, "broker");
        return 0;
    }
}
