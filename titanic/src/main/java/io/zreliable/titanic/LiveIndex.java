package io.zreliable.titanic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the store holds, in memory and without bodies: each request not yet closed (waiting or answered, its
 * sequence number, where its latest journal record is) and the waiting ones in arrival order. Built by replaying
 * the journal on open and kept up to date by applying each synced record, so it is always the journal's state.
 * Also counts, per segment, the bytes of latest records still live there, which decides retirement.
 * Writer thread only (the counters are volatile for other threads' reads).
 */
final class LiveIndex {
    static final class Entry {
        final long seq;
        boolean done;
        JournalLocation location;
        int valueBytes;

        Entry(long seq) {
            this.seq = seq;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final TreeMap<Long, String> pending = new TreeMap<>();
    private final Map<Long, Long> liveBySegment = new HashMap<>();
    private volatile int size;
    private volatile long liveBytes;
    private long liveJournalBytes;
    private long lastSeq;

    /** Applies one synced record found at {@code location}. */
    void apply(JournalRecord record, JournalLocation location) {
        String uuid = record.uuid();
        long seq = record.seq();
        lastSeq = Math.max(lastSeq, seq);
        Entry entry = entries.get(uuid);
        int valueBytes = record.payload().length - Uuids.LENGTH;
        switch (record.type()) {
            case REQUEST -> {
                if (entry == null) {
                    entry = new Entry(seq);
                    entries.put(uuid, entry);
                    pending.put(seq, uuid);
                }
                move(entry, location, valueBytes);
            }
            case REPLY -> {
                if (entry == null) {
                    entry = new Entry(seq);
                    entries.put(uuid, entry);
                } else if (!entry.done) {
                    pending.remove(entry.seq);
                }
                entry.done = true;
                move(entry, location, valueBytes);
            }
            case CLOSE -> {
                if (entry != null) {
                    entries.remove(uuid);
                    if (!entry.done) {
                        pending.remove(entry.seq);
                    }
                    move(entry, null, 0);
                }
            }
            default -> throw new IllegalStateException(record.type().name());
        }
        size = entries.size();
    }

    private void move(Entry entry, JournalLocation to, int valueBytes) {
        if (entry.location != null) {
            liveBySegment.merge(entry.location.segment(), -(long) entry.location.size(), Long::sum);
            liveJournalBytes -= entry.location.size();
        }
        liveBytes += valueBytes - entry.valueBytes;
        entry.valueBytes = valueBytes;
        entry.location = to;
        if (to != null) {
            liveBySegment.merge(to.segment(), (long) to.size(), Long::sum);
            liveJournalBytes += to.size();
        }
    }

    Entry get(String uuid) {
        return entries.get(uuid);
    }

    /** Waiting requests with sequence number {@code >= fromSeq}, in arrival order. */
    NavigableMap<Long, String> pendingFrom(long fromSeq) {
        return pending.tailMap(fromSeq, true);
    }

    int size() {
        return size;
    }

    long liveBytes() {
        return liveBytes;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Bytes of live latest records in the journal (what retiring every segment would have to copy). */
    long liveJournalBytes() {
        return liveJournalBytes;
    }

    long liveBytesIn(long segment) {
        return liveBySegment.getOrDefault(segment, 0L);
    }

    /** Ids whose latest record lies in {@code segment}. */
    List<String> liveIn(long segment) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().location != null && e.getValue().location.segment() == segment) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    Map<String, Entry> entries() {
        return entries;
    }

    void forgetSegment(long segment) {
        liveBySegment.remove(segment);
    }
}
