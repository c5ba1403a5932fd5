package io.zreliable.titanic;

import io.zreliable.common.Require;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a store's journal from a given index on, following it as it grows: the seam for shipping the journal to
 * another store ({@link TitanicStore#appendReplicated(List)} appends what this reads). Only synced records are
 * returned, in index order, each CRC-checked. Reading from index 1, or from the journal's first retained record, yields
 * the whole state: the store keeps every live request's latest record in the journal (see {@link TitanicStore}).
 *
 * <p>Thread contract: one thread at a time per reader; any number of readers per store.
 */
public final class JournalTail implements AutoCloseable {
    private final Journal journal;
    private long next;
    private Segment segment;
    private long offset;
    private boolean closed;

    JournalTail(Journal journal, long afterIndex) {
        Require.that(afterIndex >= 0, "index must be >= 0");
        this.journal = journal;
        this.next = afterIndex + 1;
    }

    /** Index of the next record {@link #poll} returns. */
    public long nextIndex() {
        return next;
    }

    /**
     * Up to {@code max} records from {@link #nextIndex()} on; waits up to {@code wait} when none is there yet.
     *
     * @return the records, empty if none came within the wait
     * @throws TitanicStoreException if the records asked for were retired (start again from the journal's first
     *     record) or a record fails its check; the message names the file and offset
     */
    public List<JournalRecord> poll(int max, Duration wait) throws InterruptedException {
        Require.positive(max, "max records");
        if (closed) {
            throw new IllegalStateException("journal reader is closed");
        }
        if (journal.lastIndex() < next) {
            journal.awaitDurable(next, wait.toNanos());
        }
        long durable = journal.lastIndex();
        List<JournalRecord> out = new ArrayList<>();
        while (next <= durable && out.size() < max) {
            if (segment == null) {
                locate();
            }
            if (offset >= segment.size()) {
                Segment following = journal.segment(segment.number() + 1);
                if (following == null || !following.started()) {
                    break; // the record is being written to a segment not yet visible: next poll
                }
                segment = following;
                offset = JournalFormat.SEGMENT_HEADER;
                continue;
            }
            JournalRecord record = read(segment, offset);
            if (record.index() != next) {
                throw new TitanicStoreException(segment.file(), "journal is corrupt at byte offset " + offset
                        + ": record index " + record.index() + ", expected " + next);
            }
            offset += JournalFormat.size(record.payload().length);
            out.add(record);
            next++;
        }
        return out;
    }

    private JournalRecord read(Segment at, long position) {
        try {
            return Journal.readAt(at, position);
        } catch (TitanicStoreException e) {
            if (journal.segment(at.number()) == null) {
                throw retired();
            }
            throw e;
        }
    }

    /** Finds the segment holding {@link #next} and the offset of that record in it. */
    private void locate() {
        Segment found = null;
        for (Segment candidate : journal.segments()) {
            if (candidate.started() && candidate.firstIndex() <= next) {
                found = candidate;
            }
        }
        if (found == null) {
            throw retired();
        }
        long position = JournalFormat.SEGMENT_HEADER;
        long index = found.firstIndex();
        ByteBuffer head = ByteBuffer.allocate(JournalFormat.RECORD_HEADER);
        while (index < next && position < found.size()) {
            head.clear();
            try {
                JournalScan.readFully(found.channel(), head, position);
            } catch (java.io.IOException e) {
                throw journal.segment(found.number()) == null ? retired()
                        : new TitanicStoreException(found.file(), "cannot read the journal: " + e.getMessage(), e);
            }
            position += JournalFormat.size(head.getInt(0));
            index++;
        }
        segment = found;
        offset = position;
    }

    private TitanicStoreException retired() {
        return new TitanicStoreException(journal.directory(), "journal records from index " + next
                + " were retired; it now starts at index " + journal.firstIndex()
                + " (read from there for the whole state)");
    }

    @Override
    public void close() {
        closed = true;
    }
}
