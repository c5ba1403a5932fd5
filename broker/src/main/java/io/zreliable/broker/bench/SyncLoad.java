package io.zreliable.broker.bench;

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
        long end = start + durationMillis * 1_000_000L;
        long now = start;
        while (now < end) {
            long sentAt = now;
            roundTrip.call(body);
            now = System.nanoTime();
            recorder.record(now - sentAt);
        }
        return recorder.sample(now - start);
    }
}
