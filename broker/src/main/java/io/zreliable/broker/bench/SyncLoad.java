package io.zreliable.broker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Drives one request at a time: send, wait for the reply, record, repeat until the window closes. */
final class SyncLoad {
    /** One blocking round trip; it returns when the reply is in and throws when there is none. */
    @FunctionalInterface
    interface RoundTrip {
        void call(byte[] body) throws Exception;
    }

    private SyncLoad() {
    }

    static LatencySample run(RoundTrip roundTrip, byte[] body, long durationMillis) throws Exception {
        LatencyRecorder recorder = new LatencyRecorder();
        long start = System.nanoTime();
        long elapsed = drive(roundTrip, body, start + durationMillis * 1_000_000L, recorder) - start;
        return recorder.sample(elapsed);
    }

    /**
     * Each round trip (one per thread; a client belongs to one thread) drives the load on its own thread for the
     * same window; their latencies are pooled.
     */
    static LatencySample runConcurrently(List<RoundTrip> roundTrips, byte[] body, long durationMillis)
            throws Exception {
        List<LatencyRecorder> recorders = new ArrayList<>();
        List<Callable<Long>> drivers = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + durationMillis * 1_000_000L;
        for (RoundTrip roundTrip : roundTrips) {
            LatencyRecorder recorder = new LatencyRecorder();
            recorders.add(recorder);
            drivers.add(() -> drive(roundTrip, body, end, recorder));
        }
        ExecutorService threads = Executors.newFixedThreadPool(roundTrips.size());
        try {
            long last = start;
            for (Future<Long> finished : threads.invokeAll(drivers)) {
                last = Math.max(last, finished.get());
            }
            LatencyRecorder pooled = new LatencyRecorder();
            recorders.forEach(pooled::addAll);
            return pooled.sample(last - start);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Round trips until {@code endNanos}; returns when the last one finished. */
    private static long drive(RoundTrip roundTrip, byte[] body, long endNanos, LatencyRecorder recorder)
            throws Exception {
        long now = System.nanoTime();
        while (now < endNanos) {
            long sentAt = now;
            roundTrip.call(body);
            now = System.nanoTime();
            recorder.record(now - sentAt);
        }
        return now;
    }
}
