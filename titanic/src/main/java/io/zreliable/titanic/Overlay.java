package io.zreliable.titanic;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The changes journaled since the last checkpoint began, the latest per request id, kept in memory until a
 * checkpoint applies them to the {@link StateFile}. Reads look here first. Written by the writer thread; once
 * sealed and handed to the checkpoint thread it is only read.
 */
final class Overlay {
    /** The latest change for an id: its record type, the request's sequence number, and the stored form. */
    record Change(JournalRecord.Type type, long seq, byte[] value) {
    }

    private final LinkedHashMap<String, Change> changes = new LinkedHashMap<>();
    private long bytes;

    void put(String uuid, Change change) {
        Change old = changes.put(uuid, change);
        bytes += change.value().length + 64 - (old == null ? 0 : old.value().length + 64);
    }

    /** Takes in the changes of an older overlay a failed checkpoint left, keeping this one's where both have one. */
    void underlay(Overlay older) {
        for (Map.Entry<String, Change> e : older.changes.entrySet()) {
            if (!changes.containsKey(e.getKey())) {
                put(e.getKey(), e.getValue());
            }
        }
    }

    Change get(String uuid) {
        return changes.get(uuid);
    }

    Map<String, Change> changes() {
        return changes;
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** Approximate memory held, in bytes. */
    long bytes() {
        return bytes;
    }
}
