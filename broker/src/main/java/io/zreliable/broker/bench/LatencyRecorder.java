package io.zreliable.broker.bench;

import org.HdrHistogram.Histogram;

/**
 * Records round-trip latencies of one run. Recording allocates nothing; only the thread that records may read it,
 * or another thread after the recording thread is joined (the histogram is not thread-safe).
 */
final class LatencyRecorder {
    /** Highest latency tracked exactly: one minute; anything slower is clamped (a benchmark that slow has failed). */
    private static final long MAX_TRACKED_NANOS = 60_000_000_000L;

    private final Histogram histogram = new Histogram(MAX_TRACKED_NANOS, 3);
    private long count;

    void record(long latencyNanos) {
        histogram.recordValue(Math.max(1, Math.min(latencyNanos, MAX_TRACKED_NANOS)));
        count++;
    }

    /** Adds everything {@code other} recorded; {@code other}'s thread must have finished recording. */
    void addAll(LatencyRecorder other) {
        histogram.add(other.histogram);
        count += other.count;
    }

    long count() {
        return count;
    }

    LatencySample sample(long elapsedNanos) {
        return LatencySample.of(count, elapsedNanos, histogram);
    }
}
