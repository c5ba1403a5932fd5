package io.zreliable.broker;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Frames;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.lazypirate.Correlation;
import io.zreliable.lazypirate.LazyPirateClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zreliable lpclient}: sends requests with Lazy Pirate retries and prints each reply. */
@Command(name = "lpclient", mixinStandardHelpOptions = true,
        description = "Send BODY with Lazy Pirate retries and failover, printing each reply on its own line. "
                + "Exits 1 when a request gets no reply after every attempt.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable lpclient --connect tcp://127.0.0.1:5555 --count 10 hello",
            "  zreliable lpclient --connect tcp://10.0.0.1:5555 --connect tcp://10.0.0.2:5555 --retries 6 hello"
        })
public final class LpClientCommand implements Callable<Integer> {
    /** Exit code when a request never got a reply. */
    public static final int EXIT_NO_REPLY = 1;

    @Spec
    private CommandSpec spec;

    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Server endpoint; repeat for failover, tried in turn (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "2500",
            description = "How long each attempt waits for its reply (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Attempts per request before giving up, as the Guide's REQUEST_RETRIES "
                    + "(default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(names = "--backoff-ms", paramLabel = "MS", defaultValue = "0",
            description = "Wait after a timed-out attempt, doubling each time up to 32x; 0 retries at once "
                    + "(default: ${DEFAULT-VALUE}).")
    long backoffMillis;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many times to send BODY (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--plain", description = "Send the bare REQ envelope without a request-id frame, for servers "
            + "that accept only [empty][body] (the Guide's ppworker).")
    boolean plain;

    @Parameters(paramLabel = "BODY", description = "The request body (one frame, UTF-8).")
    String body;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LazyPirateClient client = buildClient()) {
            for (int i = 0; i < count; i++) {
                ZMsg reply = client.request(Frames.message(body));
                out.println(render(reply));
                out.flush();
                reply.destroy();
            }
        } catch (RequestTimeoutException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: server not answering: " + e.getMessage());
            err.flush();
            return EXIT_NO_REPLY;
        }
        return 0;
    }

    private LazyPirateClient buildClient() {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, was " + count);
        }
        Flags.connectEndpoints(endpoints, "--connect");
        Flags.positive(timeoutMillis, "--timeout-ms");
        Flags.positive(attempts, "--retries");
        if (backoffMillis < 0) {
            throw new IllegalArgumentException("--backoff-ms must be >= 0, was " + backoffMillis);
        }
        LazyPirateClient.Builder builder = LazyPirateClient.builder().endpoints(endpoints)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(timeoutMillis).attempts(attempts).build())
                .correlation(plain ? Correlation.PLAIN : Correlation.REQUEST_ID);
        if (backoffMillis > 0) {
            builder.backoff(BackoffConfig.builder().initialMillis(backoffMillis).maxMillis(backoffMillis * 32)
                    .build());
        }
        return builder.build();
    }

    /** The reply's frames as UTF-8, separated by spaces when there are several. */
    private static String render(ZMsg reply) {
        StringJoiner line = new StringJoiner(" ");
        for (ZFrame frame : reply) {
            line.add(Frames.text(frame.getData()));
        }
        return line.toString();
    }
}
