package io.zreliable.broker.bench;

import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.AsyncMajordomoClient;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMsg;

/**
 * The one-hop load of {@link BaselineScenario} through our broker to echo workers built with our worker API:
 * synchronous ({@link MajordomoClient}) and pipelined ({@link AsyncMajordomoClient}), with 1 and 2 workers, each
 * variant next to its baseline from the same run.
 */
final class MajordomoScenario {
    private static final String SERVICE = "echo";
    /** Generous: a benchmark request that needs a retry has failed, it must not hide in the figures. */
    private static final RetryPolicy ONE_LONG_ATTEMPT =
            RetryPolicy.builder().timeoutMillis(30_000).attempts(1).build();
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(30);

    private MajordomoScenario() {
    }

    /** Where the echo workers run their handler (see {@link WorkerConfig.Builder#inlineHandler(boolean)}). */
    enum HandlerMode {
        INLINE, THREAD;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static void measure(BenchOptions options, List<Integer> workerCounts, List<HandlerMode> modes, BenchReport report)
            throws Exception {
        Map<Integer, BaselineScenario.Baseline> baselines = BaselineScenario.measure(options, report);
        for (HandlerMode mode : modes) {
            for (int workerCount : workerCounts) {
                try (MajordomoBroker broker = new MajordomoBroker(
                        BrokerConfig.builder().bind("tcp://127.0.0.1:*").build()).start()) {
                    String endpoint = broker.endpoints().get(0);
                    List<MajordomoWorker> workers = startEchoWorkers(endpoint, SERVICE, workerCount, mode);
                    try {
                        awaitWorkers(broker, workerCount);
                        measureWith(options, endpoint, workerCount, mode, baselines, report);
                    } finally {
                        workers.forEach(MajordomoWorker::close);
                    }
                }
            }
        }
    }

    private static void measureWith(BenchOptions options, String endpoint, int workerCount, HandlerMode mode,
            Map<Integer, BaselineScenario.Baseline> baselines, BenchReport report) throws Exception {
        try (MajordomoClient sync = new MajordomoClient(List.of(endpoint), ONE_LONG_ATTEMPT);
                AsyncMajordomoClient async = AsyncMajordomoClient.builder().connect(endpoint)
                        .retryPolicy(ONE_LONG_ATTEMPT).connections(options.inFlight).build()) {
            for (int size : options.sizes) {
                byte[] body = new byte[size];
                BaselineScenario.Baseline baseline = baselines.get(size);
                LatencySample syncSample = Repeated.median(options,
                        millis -> SyncLoad.run(b -> sync.send(SERVICE, message(b)), body, millis));
                report.add(new BenchRow("majordomo-sync").param("workers", workerCount).param("handler", mode.label())
                        .param("in_flight", 1).param("size", size).sample(syncSample, baseline.sync()));
                LatencySample asyncSample = Repeated.median(options,
                        millis -> AsyncLoad.run(b -> async.send(SERVICE, message(b)), body, options.inFlight, millis));
                // MDP lets a worker hold one request at a time: n workers can serve at most n lock-step exchanges.
                double ceiling = workerCount * baseline.lockstep().requestsPerSecond();
                report.add(new BenchRow("majordomo-async").param("workers", workerCount)
                        .param("handler", mode.label()).param("in_flight", options.inFlight).param("size", size)
                        .sample(asyncSample, baseline.async())
                        .metric("ceiling_rps", ceiling)
                        .metric("ceiling_ratio", asyncSample.requestsPerSecond() / ceiling));
            }
        }
    }

    private static ZMsg message(byte[] body) {
        ZMsg message = new ZMsg();
        message.add(body);
        return message;
    }

    /** Starts {@code count} echo workers for {@code service}; the caller closes them. */
    static List<MajordomoWorker> startEchoWorkers(String endpoint, String service, int count, HandlerMode mode) {
        List<MajordomoWorker> workers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            WorkerConfig config = WorkerConfig.builder(service).connect(endpoint)
                    .inlineHandler(mode == HandlerMode.INLINE).build();
            workers.add(new MajordomoWorker(config, request -> request).start());
        }
        return workers;
    }

    static void awaitWorkers(MajordomoBroker broker, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + REGISTRATION_TIMEOUT.toNanos();
        while (broker.stats().workers() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + broker.stats().workers() + " of " + expected
                        + " workers registered within " + REGISTRATION_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(10); // polling a counter with a deadline; nothing to wait on
        }
    }
}
