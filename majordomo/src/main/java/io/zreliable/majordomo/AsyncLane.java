package io.zreliable.majordomo;

import java.util.ArrayDeque;

/**
 * The requests of one service inside an {@link AsyncMajordomoClient}: those waiting for a connection, and the
 * connection slots that carry no request of this service right now. A slot carries at most one request per service,
 * so a reply (which names its service) on a slot matches exactly one request. Reactor thread only.
 */
final class AsyncLane {
    final ArrayDeque<AsyncRequest> waiting = new ArrayDeque<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    /** Slots below this index have been handed to this lane before; the ones not in use are in freeSlots. */
    private int touched;
    int outstanding;

    /** A slot free for this service, or -1; {@code slotCount} is how many slots exist (or may be opened) now. */
    int acquire(int slotCount) {
        Integer free = freeSlots.poll();
        if (free != null) {
            outstanding++;
            return free;
        }
        if (touched < slotCount) {
            outstanding++;
            return touched++;
        }
        return -1;
    }

    void release(int slot) {
        outstanding--;
        freeSlots.add(slot);
    }

    /** Nothing waiting and nothing in flight: the lane may be forgotten. */
    boolean isIdle() {
        return outstanding == 0 && waiting.isEmpty();
    }
}
