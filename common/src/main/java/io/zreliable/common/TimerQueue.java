package io.zreliable.common;

import java.util.Arrays;

/**
 * Binary min-heap of timers ordered by deadline. Insert, remove and reschedule are O(log n); peeking at the next
 * deadline is O(1). Each timer remembers its heap index, so cancelling does not scan. Single-threaded.
 */
final class TimerQueue {
    private final Clock clock;
    private Timer[] heap = new Timer[16];
    private int size;

    TimerQueue(Clock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.nanoTime();
    }

    Timer add(Runnable task, long delayNanos, long periodNanos) {
        Timer timer = new Timer(this, task, periodNanos);
        timer.deadlineNanos = now() + delayNanos;
        insert(timer);
        return timer;
    }

    int size() {
        return size;
    }

    /** Nanoseconds until the earliest deadline (0 if overdue), or -1 when no timer is scheduled. */
    long nanosUntilNext(long nowNanos) {
        if (size == 0) {
            return -1L;
        }
        return Math.max(0L, heap[0].deadlineNanos - nowNanos);
    }

    /**
     * Runs every timer due at {@code nowNanos}. Repeating timers are put back at their next period (skipping missed
     * periods rather than firing a burst). A timer scheduled by a task for "now" waits for the next call, so a task
     * that keeps rescheduling itself cannot starve the sockets.
     *
     * @return how many timers fired
     */
    int runDue(long nowNanos, TaskFailureHandler onFailure) {
        int fired = 0;
        while (size > 0 && heap[0].deadlineNanos - nowNanos <= 0) {
            Timer timer = heap[0];
            if (timer.isRepeating()) {
                long next = timer.deadlineNanos + timer.periodNanos();
                if (next - nowNanos <= 0) {
                    next = nowNanos + timer.periodNanos();
                }
                timer.deadlineNanos = next;
                siftDown(0);
            } else {
                removeAt(0);
            }
            fired++;
            try {
                timer.run();
            } catch (RuntimeException e) {
                onFailure.taskFailed("timer", e);
            }
        }
        return fired;
    }

    void reschedule(Timer timer, long deadlineNanos) {
        if (timer.heapIndex < 0) {
            timer.deadlineNanos = deadlineNanos;
            insert(timer);
            return;
        }
        long old = timer.deadlineNanos;
        timer.deadlineNanos = deadlineNanos;
        if (deadlineNanos < old) {
            siftUp(timer.heapIndex);
        } else {
            siftDown(timer.heapIndex);
        }
    }

    void remove(Timer timer) {
        if (timer.heapIndex >= 0) {
            removeAt(timer.heapIndex);
        }
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            heap[i].heapIndex = -1;
            heap[i] = null;
        }
        size = 0;
    }

    private void insert(Timer timer) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = timer;
        timer.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    private void removeAt(int index) {
        Timer removed = heap[index];
        size--;
        if (index != size) {
            heap[index] = heap[size];
            heap[index].heapIndex = index;
            heap[size] = null;
            siftDown(index);
            siftUp(index);
        } else {
            heap[size] = null;
        }
        removed.heapIndex = -1;
    }

    private void siftUp(int index) {
        Timer timer = heap[index];
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            Timer above = heap[parent];
            if (above.deadlineNanos - timer.deadlineNanos <= 0) {
                break;
            }
            heap[index] = above;
            above.heapIndex = index;
            index = parent;
        }
        heap[index] = timer;
        timer.heapIndex = index;
    }

    private void siftDown(int index) {
        Timer timer = heap[index];
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].deadlineNanos - heap[child].deadlineNanos < 0) {
                child = right;
            }
            if (timer.deadlineNanos - heap[child].deadlineNanos <= 0) {
                break;
            }
            heap[index] = heap[child];
            heap[index].heapIndex = index;
            index = child;
        }
        heap[index] = timer;
        timer.heapIndex = index;
    }

    /** Where a failing task is reported; the reactor logs it and keeps running. */
    interface TaskFailureHandler {
        void taskFailed(String what, RuntimeException e);
    }
}
