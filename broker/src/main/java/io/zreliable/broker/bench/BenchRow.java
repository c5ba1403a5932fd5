package io.zreliable.broker.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One measured variant: its name, what was varied (params) and what was measured (metrics), both in print order. */
final class BenchRow {
    private final String name;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, String> metrics = new LinkedHashMap<>();

    BenchRow(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    BenchRow param(String key, Object value) {
        params.put(key, String.valueOf(value));
        return this;
    }

    BenchRow metric(String key, double value) {
        metrics.put(key, format(value));
        return this;
    }

    /** Throughput and latency of a sample, with its ratios to the baseline when there is one. */
    BenchRow sample(LatencySample sample, LatencySample baseline) {
        metric("rps", sample.requestsPerSecond());
        metric("p50_us", sample.p50Micros());
        metric("p99_us", sample.p99Micros());
        metric("p999_us", sample.p999Micros());
        if (baseline != null) {
            metric("baseline_rps", baseline.requestsPerSecond());
            metric("ratio", sample.requestsPerSecond() / baseline.requestsPerSecond());
            metric("baseline_p50_us", baseline.p50Micros());
            metric("p50_ratio", sample.p50Micros() / baseline.p50Micros());
        }
        return this;
    }

    Map<String, String> params() {
        return params;
    }

    Map<String, String> metrics() {
        return metrics;
    }

    /** The machine-readable line: {@code BENCH name k=v ... metric=value ...}. */
    String benchLine() {
        StringBuilder line = new StringBuilder("BENCH ").append(name);
        params.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        metrics.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    private static String format(double value) {
        if (value >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, value >= 1 ? "%.1f" : "%.2f", value);
    }
}
