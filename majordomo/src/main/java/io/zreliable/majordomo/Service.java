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

    Service(String name) {
        this.name = name;
        this.nameBytes = Frames.utf8(name);
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

    /** A client request waiting for a worker: the client's routing id and dialect, the body, when it arrived. */
    record QueuedRequest(byte[] client, MdpDialect dialect, ZMsg body, long arrivedNanos) {
    }
}
