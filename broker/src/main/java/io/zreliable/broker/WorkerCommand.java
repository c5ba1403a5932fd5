package io.zreliable.broker;

import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.MdpDialect;
import io.zreliable.majordomo.ReplyStream;
import io.zreliable.majordomo.WorkerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMsg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code zreliable worker}: runs a Majordomo echo worker until SIGTERM. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a Majordomo echo worker: each request's frames come back as the reply; with --mdp 0.2 "
                + "and --parts N, as a stream of N parts.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable worker --connect tcp://127.0.0.1:5555 --service echo",
            "  zreliable worker --mdp 0.2 --parts 3 --service stream"
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

    @Mixin
    MdpVersionOption version = new MdpVersionOption();

    @Option(names = "--parts", paramLabel = "N", defaultValue = "1",
            description = "Reply in N parts, each a copy of the request: N-1 PARTIALs, then the FINAL "
                    + "(an MDP/0.2 dialect only; 1 to " + MAX_PARTS + ", default: ${DEFAULT-VALUE}).")
    int parts;

    /** Most parts per reply: bounds what one request can make the worker send. */
    static final int MAX_PARTS = 1000;

    final ServiceLifetime lifetime = new ServiceLifetime();

    @Override
    public Integer call() throws Exception {
        Flags.connectEndpoints(endpoints, "--connect");
        Flags.serviceName(service, "--service");
        MdpDialect dialect = version.dialect();
        if (parts < 1 || parts > MAX_PARTS) {
            throw new IllegalArgumentException("--parts must be between 1 and " + MAX_PARTS + ", was " + parts);
        }
        if (parts > 1 && !dialect.streams()) {
            throw new IllegalArgumentException("--parts needs --mdp 0.2 or 0.2-majortomo: MDP/0.1 has one reply");
        }
        WorkerConfig config = WorkerConfig.builder(service).protocol(dialect).connect(endpoints)
                .heartbeat(heartbeat.toConfig())
                .backoff(reconnect.toConfig())
                .curve(curve.keys())
                // Echoing takes no time: answering on the socket thread saves two thread hand-offs per request.
                .inlineHandler(true)
                .build();
        MajordomoWorker worker = (dialect.streams()
                ? MajordomoWorker.streaming(config, this::echoInParts)
                : new MajordomoWorker(config, request -> request)).start();
        LOG.info("echo worker for service '{}' ready, connecting to {} ({}, {} part(s) per reply)", service,
                String.join(", ", endpoints), dialect.label(), parts);
        lifetime.runUntilStopped(worker, "worker");
        return 0;
    }

    private ZMsg echoInParts(ZMsg request, ReplyStream stream) {
        for (int i = 1; i < parts; i++) {
            stream.partial(request.duplicate());
        }
        return request;
    }
}
