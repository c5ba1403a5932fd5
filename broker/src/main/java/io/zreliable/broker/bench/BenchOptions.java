package io.zreliable.broker.bench;

import io.zreliable.common.Require;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every scenario shares: how long to warm up and measure, how often to repeat, which body sizes. */
final class BenchOptions {
    private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    @Option(names = "--warmup-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Warm-up before each variant (default: ${DEFAULT-VALUE}).")
    long warmupMillis;

    @Option(names = "--measure-ms", paramLabel = "MS", defaultValue = "2000",
            description = "Length of each measured run (default: ${DEFAULT-VALUE}).")
    long measureMillis;

    @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
            description = "Measured runs per variant; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--sizes", split = ",", paramLabel = "BYTES", defaultValue = "16,1024",
            description = "Request body sizes in bytes, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "100",
            description = "Requests in flight for the async variants (default: ${DEFAULT-VALUE}).")
    int inFlight;

    /** Checks the values; a bad one is a usage error with a message that names it. */
    BenchOptions validated() {
        Require.positive(warmupMillis, "--warmup-ms");
        Require.positive(measureMillis, "--measure-ms");
        Require.positive(repeats, "--repeats");
        Require.positive(inFlight, "--in-flight");
        for (int size : sizes) {
            Require.inRange(size, 1, MAX_BODY_BYTES, "--sizes");
        }
        return this;
    }
}
