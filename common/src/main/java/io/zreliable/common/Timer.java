package io.zreliable.common;

/**
 * A one-shot or repeating timer owned by a {@link Reactor}. Created by {@link Reactor#schedule} or
 * {@link Reactor#scheduleRepeating}. Every method must be called on the reactor's thread (from a handler, a timer
 * task or a command passed with {@link Reactor#execute}).
 */
public final class Timer {
    private final TimerQueue queue;
    private final Runnable task;
    private final long periodNanos;
    long deadlineNanos;
    /** Position in the queue's heap, or -1 while not scheduled. */
    int heapIndex = -1;

    Timer(TimerQueue queue, Runnable task, long periodNanos) {
        this.queue = queue;
        this.task = task;
        this.periodNanos = periodNanos;
    }

    /** Stops the timer; a cancelled timer never fires again unless {@link #rescheduleMillis} is called. */
    public void cancel() {
        queue.remove(this);
    }

    /** Moves the next firing to {@code delayMillis} from now (e.g. to push back a heartbeat after traffic). */
    public void rescheduleMillis(long delayMillis) {
        queue.reschedule(this, queue.now() + Math.max(0L, delayMillis) * 1_000_000L);
    }

    public boolean isScheduled() {
        return heapIndex >= 0;
    }

    boolean isRepeating() {
        return periodNanos > 0;
    }

    long periodNanos() {
        return periodNanos;
    }

    void run() {
        task.run();
    }
}
