package io.zreliable.broker;

import io.zreliable.common.EndpointException;
import io.zreliable.lazypirate.ParanoidPirateQueue;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zreliable ppqueue}: runs a Paranoid Pirate queue (6/PPP) until SIGTERM. */
@Command(name = "ppqueue", mixinStandardHelpOptions = true,
        description = "Run a Paranoid Pirate queue (6/PPP): clients on the frontend, workers on the backend.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable ppqueue",
            "  zreliable ppqueue --frontend tcp://0.0.0.0:5555 --backend tcp://0.0.0.0:5556 --heartbeat-ms 1000"
        })
public final class PpQueueCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--frontend", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Endpoint to bind for clients (default: ${DEFAULT-VALUE}).")
    String frontend;

    @Option(names = "--backend", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5556",
            description = "Endpoint to bind for workers (default: ${DEFAULT-VALUE}).")
    String backend;

    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Option(names = "--max-backlog", paramLabel = "N", defaultValue = "10000",
            description = "Requests that may wait for a worker; more are dropped and the client retries "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxBacklog;

    @Option(names = "--max-backlog-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Longest a request may wait for a worker before it is dropped (default: ${DEFAULT-VALUE}).")
    long maxBacklogMillis;

    @Option(names = "--max-workers", paramLabel = "N", defaultValue = "10000",
            description = "Workers tracked at once (default: ${DEFAULT-VALUE}).")
    int maxWorkers;

    @Option(names = "--max-request-bytes", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Largest request accepted; larger ones are dropped (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes;

    @Option(names = "--max-reply-bytes", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest reply frame a worker may send; a larger one drops that worker's connection "
                    + "(default: ${DEFAULT-VALUE}).")
    long maxReplyBytes;

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.bindEndpoint(frontend, "--frontend");
        Flags.bindEndpoint(backend, "--backend");
        Flags.positive(maxBacklog, "--max-backlog");
        Flags.positive(maxBacklogMillis, "--max-backlog-ms");
        Flags.positive(maxWorkers, "--max-workers");
        Flags.positive(maxRequestBytes, "--max-request-bytes");
        ParanoidPirateQueue queue = ParanoidPirateQueue.builder().frontend(frontend).backend(backend)
                .heartbeat(heartbeat.toConfig()).maxBacklog(maxBacklog)
                .maxBacklogAge(Duration.ofMillis(maxBacklogMillis)).maxWorkers(maxWorkers)
                .maxRequestBytes(maxRequestBytes).maxReplyBytes(maxReplyBytes).build();
        try {
            queue.start();
        } catch (EndpointException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        lifetime.runUntilStopped(queue, "ppqueue");
        return 0;
    }
}
