package io.zreliable.broker.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * What one measured run produced: how many round trips completed in how long, and their latency distribution.
 *
 * @param requests round trips completed in the measured window
 * @param elapsedNanos length of the measured window
 * @param p50Micros median latency
 * @param p99Micros 99th percentile latency
 * @param p999Micros 99.9th percentile latency
 */
record LatencySample(long requests, long elapsedNanos, double p50Micros, double p99Micros, double p999Micros) {

    static LatencySample of(long requests, long elapsedNanos, Histogram latencyNanos) {
        return new LatencySample(requests, elapsedNanos,
                latencyNanos.getValueAtPercentile(50.0) / 1000.0,
                latencyNanos.getValueAtPercentile(99.0) / 1000.0,
                latencyNanos.getValueAtPercentile(99.9) / 1000.0);
    }

    double requestsPerSecond() {
        return elapsedNanos == 0 ? 0 : requests * 1e9 / elapsedNanos;
    }

    /** The median of each figure over repeated runs (each figure on its own), as the report shows it. */
    static LatencySample median(List<LatencySample> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to summarise");
        }
        double rps = median(runs, LatencySample::requestsPerSecond);
        long elapsed = 1_000_000_000L;
        return new LatencySample(Math.round(rps), elapsed,
                median(runs, LatencySample::p50Micros),
                median(runs, LatencySample::p99Micros),
                median(runs, LatencySample::p999Micros));
    }

    private static double median(List<LatencySample> runs, ToDoubleFunction<LatencySample> figure) {
        double[] values = runs.stream().mapToDouble(figure).toArray();
        Arrays.sort(values);
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
