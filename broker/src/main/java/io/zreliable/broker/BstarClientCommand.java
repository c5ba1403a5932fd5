package io.zreliable.broker;

import io.zreliable.binarystar.BinaryStarClient;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable bstar-client}: sends requests to a Binary Star pair, failing over between its two servers, and
 * prints each reply and each failover's duration. Exits 1 when neither server answers.
 */
@Command(
        name = "bstar-client",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Sends requests to a Binary Star pair (e.g. two bstar-echo servers), failing over between them.",
            "Prints each reply, and how long each failover took."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable bstar-client --connect tcp://127.0.0.1:5001 --connect tcp://127.0.0.1:5002 --count 100 \\",
            "      --interval-ms 100"
        })
final class BstarClientCommand implements Callable<Integer> {
    static final int EXIT_NO_REPLY = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", required = true, paramLabel = "ENDPOINT",
            description = "A server's client endpoint: give it twice, primary first.")
    private List<String> connect;

    /** No default value in the annotation: picocli would apply it over the older spelling's value. */
    @Option(names = "--pair-heartbeat-ms", paramLabel = "MS",
            description = "The pair's heartbeat (the servers' --pair-heartbeat-ms); sets the default timeout to three "
                    + "of them (default: " + HaOptions.DEFAULT_PAIR_HEARTBEAT_MS + ").")
    private long heartbeatMs = HaOptions.DEFAULT_PAIR_HEARTBEAT_MS;

    /** The name the pair heartbeat had here; still accepted, not shown. */
    @Option(names = "--heartbeat-ms", paramLabel = "MS", hidden = true)
    void legacyHeartbeat(long millis) {
        this.heartbeatMs = millis;
    }

    @Option(names = "--timeout-ms", paramLabel = "MS",
            description = "Wait this long for each attempt's reply (default: 3 x --pair-heartbeat-ms).")
    private Long timeoutMs;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "6",
            description = "Attempts per request, alternating servers (default: ${DEFAULT-VALUE}).")
    private int retries;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many requests to send (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "0",
            description = "Pause between requests (default: ${DEFAULT-VALUE}).")
    private long intervalMs;

    @Parameters(index = "0", paramLabel = "BODY", defaultValue = "hello",
            description = "Request body; each request sends BODY-N (default: ${DEFAULT-VALUE}).")
    private String body;

    @Override
    public Integer call() throws InterruptedException {
        Require.that(connect.size() == 2, "bstar-client needs exactly two --connect endpoints (primary, backup), got "
                + connect.size());
        Require.positive(count, "--count");
        Flags.connectEndpoints(connect, "--connect");
        Flags.positive(heartbeatMs, "--pair-heartbeat-ms");
        Flags.positive(retries, "--retries");
        if (timeoutMs != null) {
            Flags.positive(timeoutMs, "--timeout-ms");
        }
        Require.that(intervalMs >= 0, "--interval-ms must be >= 0, was " + intervalMs);
        RetryPolicy policy = BinaryStarClient.policyFor(Duration.ofMillis(heartbeatMs)).toBuilder()
                .attempts(retries)
                .build();
        if (timeoutMs != null) {
            policy = policy.toBuilder().timeoutMillis(timeoutMs).build();
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BinaryStarClient client = BinaryStarClient.builder()
                .primary(connect.get(0)).backup(connect.get(1)).retryPolicy(policy).build()) {
            for (int i = 1; i <= count; i++) {
                long failoversBefore = client.failovers();
                String reply = client.request(body + "-" + i);
                if (client.failovers() > failoversBefore) {
                    out.println("failover to " + client.currentEndpoint() + " took "
                            + client.lastFailover().orElseThrow().toMillis() + " ms");
                }
                out.println(reply);
                out.flush();
                if (intervalMs > 0 && i < count) {
                    Thread.sleep(intervalMs); // pacing between requests, not waiting for a condition
                }
            }
            return 0;
        } catch (RequestTimeoutException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return EXIT_NO_REPLY;
        }
    }
}
