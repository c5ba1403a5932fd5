package io.zreliable.broker;

import io.zreliable.lazypirate.ParanoidPirateWorker;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zreliable ppworker}: runs a Paranoid Pirate echo worker (6/PPP) until SIGTERM. */
@Command(name = "ppworker", mixinStandardHelpOptions = true,
        description = "Run a Paranoid Pirate echo worker (6/PPP) against a queue's backend.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable ppworker --connect tcp://127.0.0.1:5556"
        })
public final class PpWorkerCommand implements Callable<Integer> {
    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5556",
            description = "The queue's backend endpoint (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Mixin
    ReconnectOptions reconnect = new ReconnectOptions();

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.connectEndpoints(java.util.List.of(endpoint), "--connect");
        ParanoidPirateWorker worker = ParanoidPirateWorker.builder().connect(endpoint)
                .heartbeat(heartbeat.toConfig())
                .backoff(reconnect.toConfig())
                .handler(request -> request.duplicate())
                .build();
        worker.start();
        lifetime.runUntilStopped(worker, "ppworker");
        return 0;
    }
}
