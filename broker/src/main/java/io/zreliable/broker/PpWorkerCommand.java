package io.zreliable.broker;

import io.zreliable.common.BackoffConfig;
import io.zreliable.lazypirate.ParanoidPirateWorker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zreliable ppworker}: runs a Paranoid Pirate echo worker (6/PPP) until SIGTERM. */
@Command(name = "ppworker", mixinStandardHelpOptions = true,
        description = "Run a Paranoid Pirate echo worker (6/PPP) against a queue's backend.")
public final class PpWorkerCommand implements Callable<Integer> {
    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5556",
            description = "The queue's backend endpoint (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Option(names = "--reconnect-initial-ms", paramLabel = "MS", defaultValue = "1000",
            description = "First wait before reconnecting to a dead queue (default: ${DEFAULT-VALUE}).")
    long reconnectInitialMillis;

    @Option(names = "--reconnect-max-ms", paramLabel = "MS", defaultValue = "32000",
            description = "Longest wait between reconnects, after doubling (default: ${DEFAULT-VALUE}).")
    long reconnectMaxMillis;

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.connectEndpoints(java.util.List.of(endpoint), "--connect");
        Flags.positive(reconnectInitialMillis, "--reconnect-initial-ms");
        Flags.positive(reconnectMaxMillis, "--reconnect-max-ms");
        ParanoidPirateWorker worker = ParanoidPirateWorker.builder().connect(endpoint)
                .heartbeat(heartbeat.toConfig())
                .backoff(BackoffConfig.builder().initialMillis(reconnectInitialMillis)
                        .maxMillis(reconnectMaxMillis).build())
                .handler(request -> request.duplicate())
                .build();
        worker.start();
        lifetime.runUntilStopped(worker, "ppworker");
        return 0;
    }
}
