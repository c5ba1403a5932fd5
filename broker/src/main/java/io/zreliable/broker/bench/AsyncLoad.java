package io.zreliable.broker.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a fixed number of requests in flight through an asynchronous client until the window closes, then waits
 * for the stragglers. Latency runs from send to completion of each request's future.
 */
final class AsyncLoad {
    /** Starts one request; the future completes with its reply or fails. */
    @FunctionalInterface
    interface AsyncRoundTrip {
        CompletableFuture<?> send(byte[] body);
    }

    private static final long DRAIN_TIMEOUT_SECONDS = 60;

    private AsyncLoad() {
    }

    static LatencySample run(AsyncRoundTrip client, byte[] body, int inFlight, long durationMillis)
            throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder();
        AtomicLong failures = new AtomicLong();
        Semaphore window = new Semaphore(inFlight);
        long start = System.nanoTime();
        long end = start + durationMillis * 1_000_000L;
        while (System.nanoTime() < end) {
            window.acquire();
            long sentAt = System.nanoTime();
            client.send(body).whenComplete((reply, error) -> {
                if (error == null) {
                    long latency = System.nanoTime() - sentAt;
                    // Completions may come from any thread of the client; the recorder is not thread-safe.
                    synchronized (recorder) {
                        recorder.record(latency);
                    }
                } else {
                    failures.incrementAndGet();
                }
                window.release();
            });
        }
        if (!window.tryAcquire(inFlight, DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests still in flight " + DRAIN_TIMEOUT_SECONDS + " s after the run");
        }
        long elapsed = System.nanoTime() - start;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " requests failed during the run");
        }
        synchronized (recorder) {
            return recorder.sample(elapsed);
        }
    }
}
