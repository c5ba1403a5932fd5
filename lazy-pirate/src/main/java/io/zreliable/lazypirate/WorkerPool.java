package io.zreliable.lazypirate;

import io.zreliable.common.Reactor;
import io.zreliable.common.Timer;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The queue's view of its workers: every known worker with a one-shot expiry timer that each sign of life pushes
 * back (so expiry is a timer-heap operation, never a scan of all workers), and the idle ones in least-recently-used
 * order. Holds at most {@code maxWorkers}; {@link #register} refuses more. Reactor thread only.
 */
final class WorkerPool {
    /** One worker, known by its ROUTER routing id. */
    static final class Worker {
        final byte[] id;
        final ByteBuffer key;
        boolean busy;
        Timer expiry;

        private Worker(byte[] id) {
            this.id = id;
            this.key = ByteBuffer.wrap(id);
        }
    }

    private final Reactor reactor;
    private final long expiryMillis;
    private final int maxWorkers;
    private final Consumer<Worker> onExpired;
    private final Map<ByteBuffer, Worker> workers = new HashMap<>();
    /** Idle workers, least recently used first. */
    private final LinkedHashSet<Worker> idle = new LinkedHashSet<>();

    WorkerPool(Reactor reactor, long expiryMillis, int maxWorkers, Consumer<Worker> onExpired) {
        this.reactor = reactor;
        this.expiryMillis = expiryMillis;
        this.maxWorkers = maxWorkers;
        this.onExpired = onExpired;
    }

    /** The known worker with this id, its expiry pushed back; null when unknown. */
    Worker touch(byte[] id) {
        Worker worker = workers.get(ByteBuffer.wrap(id));
        if (worker != null) {
            worker.expiry.rescheduleMillis(expiryMillis);
        }
        return worker;
    }

    /** A new idle worker, or null when the pool is full. */
    Worker register(byte[] id) {
        if (workers.size() >= maxWorkers) {
            return null;
        }
        Worker worker = new Worker(id.clone());
        worker.expiry = reactor.schedule(expiryMillis, () -> expire(worker));
        workers.put(worker.key, worker);
        idle.add(worker);
        return worker;
    }

    /** Marks the worker idle and puts it last in the LRU order. */
    void release(Worker worker) {
        worker.busy = false;
        idle.remove(worker);
        idle.add(worker);
    }

    /** Takes the least recently used idle worker and marks it busy; null when none is idle. */
    Worker nextIdle() {
        Iterator<Worker> it = idle.iterator();
        if (!it.hasNext()) {
            return null;
        }
        Worker worker = it.next();
        it.remove();
        worker.busy = true;
        return worker;
    }

    boolean hasIdle() {
        return !idle.isEmpty();
    }

    int size() {
        return workers.size();
    }

    int idleCount() {
        return idle.size();
    }

    void forEach(Consumer<Worker> action) {
        workers.values().forEach(action);
    }

    /** Forgets {@code worker} at once (e.g. its connection is gone) and cancels its expiry. */
    void remove(Worker worker) {
        worker.expiry.cancel();
        workers.remove(worker.key);
        idle.remove(worker);
    }

    /** Forgets every worker and cancels their timers. */
    void clear() {
        workers.values().forEach(w -> w.expiry.cancel());
        workers.clear();
        idle.clear();
    }

    private void expire(Worker worker) {
        workers.remove(worker.key);
        idle.remove(worker);
        onExpired.accept(worker);
    }
}
