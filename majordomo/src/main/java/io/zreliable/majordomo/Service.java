package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import org.zeromq.ZMsg;

/**
 * One named service in the broker: its queue of requests waiting for a worker and its idle workers in LRU order
 * (a linked set: add at the tail, take from the head, remove any in O(1)). Owned by the broker's reactor thread.
 */
final class Service {
    final String name;
    final byte[] nameBytes;
    final ArrayDeque<QueuedRequest> queue = new ArrayDeque<>();
    private final LinkedHashSet<BrokerWorker> idle = new LinkedHashSet<>();
    int workers;
    /** Bytes charged for the requests in {@link #queue} (see {@link QueuedRequest#bytes()}). */
    long queuedBytes;
    /** When the service last had no worker: its creation or its last worker's leaving. */
    long workerlessSinceNanos;

    Service(String name, long nowNanos) {
        this.name = name;
        this.nameBytes = Frames.utf8(name);
        this.workerlessSinceNanos = nowNanos;
    }

    void addIdle(BrokerWorker worker) {
        idle.add(worker);
    }

    void removeIdle(BrokerWorker worker) {
        idle.remove(worker);
    }

    boolean hasIdle() {
        return !idle.isEmpty();
    }

    /** The worker idle the longest, removed from the idle set. */
    BrokerWorker takeIdle() {
        Iterator<BrokerWorker> it = idle.iterator();
        BrokerWorker worker = it.next();
        it.remove();
        return worker;
    }

    /** Neither workers nor queued requests: the broker may forget this service. */
    boolean isUnused() {
        return workers == 0 && queue.isEmpty();
    }

    /**
     * A client request waiting for a worker: the client's routing id and dialect, the body, when it arrived, and the
     * bytes it is charged against the queue bounds.
     */
    record QueuedRequest(byte[] client, MdpDialect dialect, ZMsg body, long arrivedNanos, long bytes) {
        /** Frames (client id and body) plus a per-frame and a per-request estimate of the objects holding them. */
        static long charge(byte[] client, ZMsg body) {
            return client.length + Frames.byteSize(body) + (long) (body.size() + 1) * QUEUED_FRAME_OVERHEAD
                    + BrokerConfig.QUEUED_REQUEST_OVERHEAD;
        }
    }

    /** Bytes charged per queued frame on top of its data: the frame object and its array header. */
    static final int QUEUED_FRAME_OVERHEAD = 64;
}
