package io.zreliable.broker;

import io.zreliable.common.EndpointException;
import io.zreliable.common.Frames;
import io.zreliable.common.Futures;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.majordomo.AsyncMajordomoClient;
import io.zreliable.majordomo.MajordomoClient;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zreliable client}: sends requests to a Majordomo service, synchronously or with many in flight. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Send BODY to a Majordomo service COUNT times and print each reply, each part of a streamed "
                + "MDP/0.2 reply on its own line (a summary line instead when COUNT > " + ClientCommand.PRINT_LIMIT
                + "). Exits 1 when a request is never answered.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable client --service echo hello",
            "  zreliable client --async --in-flight 32 --count 10000 hello",
            "  zreliable client --mdp 0.2 --service stream hello"
        })
public final class ClientCommand implements Callable<Integer> {
    /** Exit code when a request got no reply after every attempt. */
    public static final int EXIT_NO_REPLY = 1;
    /** Up to this many requests, every reply is printed; beyond, one summary line. */
    static final int PRINT_LIMIT = 10;

    @Spec
    private CommandSpec spec;

    @Mixin
    MdpClientOptions options = new MdpClientOptions();

    @Option(names = "--service", paramLabel = "NAME", defaultValue = "echo",
            description = "Service to call (default: ${DEFAULT-VALUE}).")
    String service;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many times to send BODY (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--async", description = "Keep several requests in flight (AsyncMajordomoClient).")
    boolean async;

    /** Requests in flight with --async when --in-flight is not given. */
    static final int DEFAULT_IN_FLIGHT = 16;

    @Option(names = "--in-flight", paramLabel = "K",
            description = "With --async: requests in flight at once, and connections used (default: "
                    + DEFAULT_IN_FLIGHT + ").")
    Integer inFlightFlag;

    int inFlight;

    @Parameters(paramLabel = "BODY", description = "The request body (one frame, UTF-8).")
    String body;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be >= 1, was " + count);
        }
        Flags.serviceName(service, "--service");
        Flags.onlyWith(spec, async, "--async", "--in-flight");
        inFlight = inFlightFlag == null ? DEFAULT_IN_FLIGHT : inFlightFlag;
        if (inFlight < 1 || inFlight > 1024) {
            throw new IllegalArgumentException("--in-flight must be between 1 and 1024, was " + inFlight);
        }
        long started = System.nanoTime();
        Outcome outcome = async ? runAsync() : runSync();
        PrintWriter err = spec.commandLine().getErr();
        if (count > PRINT_LIMIT) {
            long millis = Math.max(1L, (System.nanoTime() - started) / 1_000_000L);
            spec.commandLine().getOut().printf("%d requests, %d replies, %d failed in %d ms (%d req/s)%n", count,
                    outcome.replies.get(), count - outcome.replies.get(), millis,
                    outcome.replies.get() * 1000L / millis);
            spec.commandLine().getOut().flush();
        }
        Throwable failure = outcome.failure.get();
        if (failure instanceof EndpointException) {
            err.println("error: " + failure.getMessage());
            err.flush();
            return EXIT_NO_REPLY;
        }
        if (failure != null) {
            err.println("error: service '" + service + "' not answering: " + failure.getMessage());
            err.flush();
            return EXIT_NO_REPLY;
        }
        return 0;
    }

    private Outcome runSync() {
        Outcome outcome = new Outcome();
        try (MajordomoClient client = new MajordomoClient(options.endpoints, options.retryPolicy(),
                options.curve.keys(), options.dialect())) {
            for (int i = 0; i < count; i++) {
                Iterator<ZMsg> parts = client.stream(service, Frames.message(body));
                while (parts.hasNext()) {
                    outcome.part(parts.next());
                }
                outcome.replied();
            }
        } catch (RequestTimeoutException e) {
            outcome.failure.compareAndSet(null, e);
        }
        return outcome;
    }

    private Outcome runAsync() throws InterruptedException {
        Outcome outcome = new Outcome();
        Semaphore window = new Semaphore(inFlight);
        try (AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(options.endpoints)
                .retryPolicy(options.retryPolicy()).connections(inFlight).curve(options.curve.keys())
                .protocol(options.dialect()).build()) {
            CompletableFuture<?>[] replies = new CompletableFuture<?>[count];
            for (int i = 0; i < count && outcome.failure.get() == null; i++) {
                window.acquire();
                replies[i] = client.stream(service, Frames.message(body), outcome::part)
                        .whenComplete((reply, error) -> {
                            window.release();
                            if (error != null) {
                                outcome.failure.compareAndSet(null, Futures.cause(error));
                            } else {
                                outcome.part(reply);
                                outcome.replied();
                            }
                        });
            }
            for (CompletableFuture<?> reply : replies) {
                if (reply != null) {
                    try {
                        reply.get();
                    } catch (ExecutionException e) {
                        // Recorded by whenComplete.
                    }
                }
            }
        }
        return outcome;
    }

    /** Replies so far and the first failure; filled from the caller's or the async client's thread. */
    private final class Outcome {
        final AtomicLong replies = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        void replied() {
            replies.incrementAndGet();
        }

        /** Prints one reply, or one part of a streamed reply, while COUNT is small enough. */
        void part(ZMsg reply) {
            if (count <= PRINT_LIMIT) {
                PrintWriter out = spec.commandLine().getOut();
                synchronized (out) {
                    out.println(render(reply));
                    out.flush();
                }
            }
        }
    }

    /** The reply's frames as UTF-8, separated by spaces when there are several. */
    static String render(ZMsg reply) {
        StringJoiner line = new StringJoiner(" ");
        for (ZFrame frame : reply) {
            line.add(Frames.text(frame.getData()));
        }
        return line.toString();
    }
}
