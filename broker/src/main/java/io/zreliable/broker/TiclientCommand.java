package io.zreliable.broker;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.titanic.TitanicClient;
import io.zreliable.titanic.TitanicException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable ticlient}: submits one request through Titanic, waits for the reply, prints each reply frame on
 * its own line, and closes the request. Exits 0 with the reply, 1 when no reply came or Titanic refused.
 */
@Command(
        name = "ticlient",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Send one request through Titanic (9/TSP), wait for the reply, print it and close it.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable ticlient --service echo hello",
            "  zreliable ticlient --service echo --timeout-ms 5000 hello"
        })
final class TiclientCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Majordomo broker endpoint; repeat for an HA pair, tried in turn on a timeout "
                    + "(default: ${DEFAULT-VALUE}).")
    private List<String> connect;

    @Option(names = "--service", required = true, paramLabel = "NAME", description = "Target service, e.g. echo.")
    private String service;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "60000",
            description = "How long to wait for the reply in all: each call to Titanic waits at most this divided "
                    + "by --retries, and at most " + TiclientCommand.MAX_ATTEMPT_MS + " ms (default: "
                    + "${DEFAULT-VALUE}).")
    private long timeoutMs;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Attempts per call to Titanic, moving to the next --connect endpoint; after an HA "
                    + "failover the first attempt on the new server only votes, so give a pair 5 or more "
                    + "(default: ${DEFAULT-VALUE}).")
    private int attempts;

    /** Longest wait of one attempt of one call to Titanic. */
    static final long MAX_ATTEMPT_MS = 2500;
    /** Shortest wait of one attempt, however small --timeout-ms is. */
    static final long MIN_ATTEMPT_MS = 100;

    @Mixin
    CurveClientOptions curve = new CurveClientOptions();

    @Parameters(arity = "1..*", paramLabel = "BODY", description = "Request body frames (UTF-8).")
    private List<String> body;

    @Override
    public Integer call() {
        Flags.connectEndpoints(connect, "--connect");
        Flags.serviceName(service, "--service");
        Flags.positive(timeoutMs, "--timeout-ms");
        Flags.positive(attempts, "--retries");
        // Each call's attempts together fit in the whole wait, so a dead broker is given up on in about --timeout-ms.
        long attemptMs = Math.max(MIN_ATTEMPT_MS, Math.min(MAX_ATTEMPT_MS, timeoutMs / attempts));
        List<byte[]> frames = new ArrayList<>();
        body.forEach(frame -> frames.add(frame.getBytes(StandardCharsets.UTF_8)));
        Duration deadline = Duration.ofMillis(timeoutMs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (TitanicClient client = new TitanicClient(connect, RetryPolicy.builder().attempts(attempts)
                .timeoutMillis(attemptMs).build(),
                curve.keys())) {
            List<byte[]> reply = client.call(service, frames, deadline);
            reply.forEach(frame -> out.println(new String(frame, StandardCharsets.UTF_8)));
            out.flush();
            return 0;
        } catch (TitanicException | RequestTimeoutException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
