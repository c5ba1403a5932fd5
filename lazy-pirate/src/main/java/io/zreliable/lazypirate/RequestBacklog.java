package io.zreliable.lazypirate;

import io.zreliable.common.Clock;
import io.zreliable.common.DropCounter;
import java.util.ArrayDeque;
import org.zeromq.ZMsg;

/**
 * Requests waiting for a worker, oldest first, bounded in count and in age. A request that finds the backlog full is
 * refused; one that waited longer than {@code maxAgeMillis} is dropped instead of dispatched, since its client has
 * long timed out and resent it (serving it would only double the work of an overloaded queue). Drops are counted as
 * {@link ParanoidPirateQueue#DROP_BACKLOG_FULL} and {@link ParanoidPirateQueue#DROP_BACKLOG_EXPIRED}. Reactor thread
 * only.
 */
final class RequestBacklog {
    private record Entry(ZMsg request, long arrivedNanos) {
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final Clock clock;
    private final DropCounter drops;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    RequestBacklog(int capacity, long maxAgeMillis, Clock clock, DropCounter drops) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeMillis * 1_000_000L;
        this.clock = clock;
        this.drops = drops;
    }

    /** Queues {@code request} at the back; when full, drops it (counted) and returns false. */
    boolean offer(ZMsg request) {
        if (entries.size() >= capacity) {
            drops.drop(ParanoidPirateQueue.DROP_BACKLOG_FULL, "backlog holds " + capacity + " requests");
            request.destroy();
            return false;
        }
        entries.addLast(new Entry(request, clock.nanoTime()));
        return true;
    }

    /**
     * The oldest request still young enough to serve, left in place (see {@link #removeFirst()}), or null; older ones
     * are dropped on the way.
     */
    ZMsg peek() {
        purgeExpired();
        Entry entry = entries.peekFirst();
        return entry == null ? null : entry.request();
    }

    /** Takes the oldest request out, once it was dispatched. */
    ZMsg removeFirst() {
        return entries.removeFirst().request();
    }

    /** Drops requests that waited longer than the maximum age (they sit at the front). */
    void purgeExpired() {
        long now = clock.nanoTime();
        while (!entries.isEmpty() && now - entries.peekFirst().arrivedNanos() > maxAgeNanos) {
            entries.pollFirst().request().destroy();
            drops.drop(ParanoidPirateQueue.DROP_BACKLOG_EXPIRED, "waited over " + maxAgeNanos / 1_000_000L + " ms");
        }
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    void clear() {
        entries.forEach(entry -> entry.request().destroy());
        entries.clear();
    }
}
