package io.zreliable.majordomo;

import java.util.LinkedHashSet;

/**
 * The broker's workers ordered twice by time: by when each was last heard from (for expiry) and by when each was
 * last sent anything (for heartbeats). Every worker has the same expiry and heartbeat interval, so moving a worker
 * to the tail on each event keeps both orders sorted: the due workers are always at the heads. Every operation is
 * O(1); a timer tick touches only the workers that are due. Owned by the broker's reactor thread.
 */
final class WorkerTimeline {
    private final LinkedHashSet<BrokerWorker> bySeen = new LinkedHashSet<>();
    private final LinkedHashSet<BrokerWorker> bySent = new LinkedHashSet<>();

    void add(BrokerWorker worker, long nowNanos) {
        worker.lastSeenNanos = nowNanos;
        worker.lastSentNanos = nowNanos;
        bySeen.add(worker);
        bySent.add(worker);
    }

    void seen(BrokerWorker worker, long nowNanos) {
        worker.lastSeenNanos = nowNanos;
        bySeen.remove(worker);
        bySeen.add(worker);
    }

    void sent(BrokerWorker worker, long nowNanos) {
        worker.lastSentNanos = nowNanos;
        bySent.remove(worker);
        bySent.add(worker);
    }

    void remove(BrokerWorker worker) {
        bySeen.remove(worker);
        bySent.remove(worker);
    }

    /** The worker silent the longest if it was last heard from at or before {@code cutoffNanos}, else null. */
    BrokerWorker silentSince(long cutoffNanos) {
        if (bySeen.isEmpty()) {
            return null;
        }
        BrokerWorker oldest = bySeen.iterator().next();
        return oldest.lastSeenNanos - cutoffNanos <= 0 ? oldest : null;
    }

    /** The worker we sent nothing the longest if that was at or before {@code cutoffNanos}, else null. */
    BrokerWorker quietSince(long cutoffNanos) {
        if (bySent.isEmpty()) {
            return null;
        }
        BrokerWorker oldest = bySent.iterator().next();
        return oldest.lastSentNanos - cutoffNanos <= 0 ? oldest : null;
    }
}
