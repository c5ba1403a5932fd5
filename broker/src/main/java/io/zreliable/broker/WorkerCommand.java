package io.zreliable.broker;

import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zreliable worker}: runs a Majordomo echo worker until SIGTERM. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a Majordomo (MDP/0.1) echo worker: each request's frames come back as the reply.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable worker --connect tcp://127.0.0.1:5555 --service echo"
        })
public final class WorkerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerCommand.class);

    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Broker endpoint; repeat for failover, the worker moves to the next one on each "
                    + "reconnect (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--service", paramLabel = "NAME", defaultValue = "echo",
            description = "Service to register (default: ${DEFAULT-VALUE}).")
    String service;

    @Mixin
    HeartbeatOptions heartbeat = new HeartbeatOptions();

    @Mixin
    ReconnectOptions reconnect = new ReconnectOptions();

    @Mixin
    CurveClientOptions curve = new CurveClientOptions();

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.connectEndpoints(endpoints, "--connect");
        Flags.serviceName(service, "--service");
        WorkerConfig config = WorkerConfig.builder(service).connect(endpoints).heartbeat(heartbeat.toConfig())
                .backoff(reconnect.toConfig())
                .curve(curve.keys())
                // Echoing takes no time: answering on the socket thread saves two thread hand-offs per request.
                .inlineHandler(true)
                .build();
        MajordomoWorker worker = new MajordomoWorker(config, request -> request).start();
        LOG.info("echo worker for service '{}' ready, connecting to {}", service, String.join(", ", endpoints));
        lifetime.runUntilStopped(worker, "worker");
        return 0;
    }
}
