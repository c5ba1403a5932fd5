package io.zreliable.titanic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's append-only journal: segment files of CRC32C-checked records with consecutive 64-bit indexes.
 *
 * <p>Thread contract: {@link #append}, {@link #appendReplicated} and {@link #rotate} run on the store's writer
 * thread only; each writes a whole batch with one positional write and makes it durable with <b>one</b>
 * {@code force(false)} (fdatasync) before returning. {@link #prepareNext} and {@link #retireBefore} run on the
 * checkpoint thread; when it and the writer both make the next segment, one channel is kept and the other closed.
 * {@link #read} and the tail readers work from any thread and only ever see synced records.
 *
 * <p>A failed write (a full disk) is cut off again (the segment truncated to its last synced byte) before the
 * next write, so a later success never follows garbage; the error goes to the batch's callers.
 */
final class Journal implements AutoCloseable {
    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Object durableMonitor = new Object();
    private volatile long durableIndex;
    private final Object closeLock = new Object();
    private boolean closed; // guarded by closeLock
    // Writer thread only:
    private Segment current;
    private boolean mustTruncate;

    Journal(Path dir, List<Segment> found, long lastIndex, long segmentBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        for (Segment segment : found) {
            segments.put(segment.number(), segment);
        }
        if (segments.isEmpty()) {
            Segment first = Segment.open(dir, 1, lastIndex + 1, lastIndex, 0);
            Directories.sync(dir);
            segments.put(first.number(), first);
        }
        this.current = segments.lastEntry().getValue();
        if (!current.started()) {
            current.started(lastIndex + 1);
        }
        this.durableIndex = lastIndex;
    }

    Path directory() {
        return dir;
    }

    /** Index of the last durable record (0 for an empty journal). */
    long lastIndex() {
        return durableIndex;
    }

    /** Index of the oldest record still on disk. */
    long firstIndex() {
        return segments.firstEntry().getValue().firstIndex();
    }

    /** Forced syncs (fdatasync of a segment, or of the directory for a segment made on the writer thread). */
    long syncs() {
        return syncs.get();
    }

    /** Batches written, each ended by one sync. */
    long batches() {
        return batches.get();
    }

    /** The segments, oldest first (the last one is being written). */
    List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    Segment segment(long number) {
        return segments.get(number);
    }

    long currentSegment() {
        return current.number();
    }

    long totalBytes() {
        long total = 0;
        for (Segment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    /** Appends records with the next indexes, one sync for all; returns where each landed. */
    List<JournalLocation> append(List<JournalRecord.Type> types, List<byte[]> payloads) {
        long first = durableIndex + 1;
        return write(first, types, payloads);
    }

    /** Appends records received from another store, keeping their indexes, with the same durability. */
    List<JournalLocation> appendReplicated(List<JournalRecord> records) {
        long expected = durableIndex + 1;
        List<JournalRecord.Type> types = new ArrayList<>(records.size());
        List<byte[]> payloads = new ArrayList<>(records.size());
        for (JournalRecord record : records) {
            if (record.index() != expected) {
                throw new TitanicStoreException(current.file(), "replicated record has index " + record.index()
                        + " but this journal's next index is " + expected);
            }
            expected++;
            types.add(record.type());
            payloads.add(record.payload());
        }
        return write(durableIndex + 1, types, payloads);
    }

    private List<JournalLocation> write(long firstIndex, List<JournalRecord.Type> types, List<byte[]> payloads) {
        cutOffFailedWrite();
        if (current.started() && current.size() >= segmentBytes && current.lastIndex() >= current.firstIndex()) {
            switchSegment(firstIndex);
        }
        boolean header = !current.started();
        int bytes = header ? JournalFormat.SEGMENT_HEADER : 0;
        for (byte[] payload : payloads) {
            bytes += JournalFormat.size(payload.length);
        }
        ByteBuffer out = ByteBuffer.allocate(bytes);
        if (header) {
            out.put(JournalFormat.segmentHeader(current.number(), firstIndex));
        }
        long base = current.size();
        List<JournalLocation> locations = new ArrayList<>(payloads.size());
        long index = firstIndex;
        for (int i = 0; i < payloads.size(); i++) {
            int at = out.position();
            JournalFormat.put(out, index, types.get(i), payloads.get(i));
            locations.add(new JournalLocation(current.number(), base + at, out.position() - at, index));
            index++;
        }
        out.flip();
        sync(out, base);
        if (header) {
            current.started(firstIndex);
        }
        current.synced(base + bytes, index - 1);
        publish(index - 1);
        return locations;
    }

    /** Starts a new segment now (its header synced), so that every older one can be retired. */
    void rotate() {
        cutOffFailedWrite();
        if (current.started() && current.lastIndex() >= current.firstIndex()) {
            switchSegment(durableIndex + 1);
            ByteBuffer header = JournalFormat.segmentHeader(current.number(), durableIndex + 1);
            sync(header, 0);
            current.started(durableIndex + 1);
            current.synced(JournalFormat.SEGMENT_HEADER, durableIndex);
        }
    }

    private void sync(ByteBuffer out, long position) {
        FileChannel channel = current.channel();
        try {
            long at = position;
            while (out.hasRemaining()) {
                at += channel.write(out, at);
            }
            channel.force(false);
            syncs.incrementAndGet();
            batches.incrementAndGet();
        } catch (IOException e) {
            mustTruncate = true;
            cutOffFailedWriteQuietly();
            throw new TitanicStoreException(current.file(), "cannot write the journal: " + e.getMessage(), e);
        }
    }

    private void switchSegment(long firstIndex) {
        long number = current.number() + 1;
        Segment next = segments.get(number);
        if (next == null) {
            Segment made = Segment.open(dir, number, firstIndex, firstIndex - 1, 0);
            Directories.sync(dir);
            syncs.incrementAndGet();
            // The checkpoint thread may have prepared the same file meanwhile: one channel wins, the other closes.
            next = segments.putIfAbsent(number, made);
            if (next == null) {
                next = made;
            } else {
                made.close();
            }
        }
        next.started(firstIndex);
        current = next;
    }

    private void cutOffFailedWrite() {
        if (!mustTruncate) {
            return;
        }
        try {
            current.channel().truncate(current.size());
            mustTruncate = false;
        } catch (IOException e) {
            throw new TitanicStoreException(current.file(), "cannot cut off a failed write at byte offset "
                    + current.size() + ": " + e.getMessage(), e);
        }
    }

    private void cutOffFailedWriteQuietly() {
        try {
            cutOffFailedWrite();
        } catch (TitanicStoreException ignored) {
            // retried before the next write, which fails until it succeeds
        }
    }

    private void publish(long index) {
        synchronized (durableMonitor) {
            durableIndex = index;
            durableMonitor.notifyAll();
        }
    }

    /** Waits up to {@code nanos} for a durable record with an index of at least {@code index}. */
    void awaitDurable(long index, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (durableMonitor) {
            while (durableIndex < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(durableMonitor, left);
            }
        }
    }

    /** The record at {@code location}, its CRC and index checked; fails naming the file and offset. */
    JournalRecord read(JournalLocation location) {
        Segment segment = segments.get(location.segment());
        if (segment == null) {
            throw new TitanicStoreException(dir.resolve(Segment.fileName(location.segment())),
                    "journal segment was retired; record " + location.index() + " is gone");
        }
        JournalRecord record = readAt(segment, location.offset());
        if (record.index() != location.index()) {
            throw new TitanicStoreException(segment.file(), "journal is corrupt at byte offset " + location.offset()
                    + ": record index " + record.index() + ", expected " + location.index());
        }
        return record;
    }

    /** Reads and checks the record at {@code offset} of {@code segment}. */
    static JournalRecord readAt(Segment segment, long offset) {
        try {
            ByteBuffer head = ByteBuffer.allocate(JournalFormat.RECORD_HEADER);
            JournalScan.readFully(segment.channel(), head, offset);
            int length = head.getInt(0);
            if (length < Uuids.LENGTH + 12 || length > JournalScan.MAX_PAYLOAD) {
                throw corrupt(segment, offset, "record length " + length + " is impossible");
            }
            ByteBuffer record = ByteBuffer.allocate(JournalFormat.size(length));
            JournalScan.readFully(segment.channel(), record, offset);
            if (record.getInt(4) != JournalFormat.crc(record, 0, length)) {
                throw corrupt(segment, offset, "record CRC mismatch");
            }
            JournalRecord.Type type = JournalRecord.Type.of(record.get(16));
            if (type == null) {
                throw corrupt(segment, offset, "unknown record type " + record.get(16));
            }
            byte[] payload = new byte[length];
            record.position(JournalFormat.RECORD_HEADER).get(payload);
            return new JournalRecord(record.getLong(8), type, payload);
        } catch (IOException e) {
            throw new TitanicStoreException(segment.file(), "cannot read the journal at byte offset " + offset + ": "
                    + e.getMessage(), e);
        }
    }

    private static TitanicStoreException corrupt(Segment segment, long offset, String problem) {
        return new TitanicStoreException(segment.file(), "journal is corrupt at byte offset " + offset + ": "
                + problem);
    }

    /** True when the segment being written is half full and the next one is not made yet. */
    boolean needsNext() {
        return current.size() >= segmentBytes / 2 && !segments.containsKey(current.number() + 1);
    }

    /** Creates the next segment file ahead of need, so that switching to it costs the writer no extra sync. */
    void prepareNext() {
        long number = segments.lastKey() + 1;
        if (segments.lastEntry().getValue().size() < segmentBytes / 2) {
            return;
        }
        Segment next = Segment.open(dir, number, -1, -2, 0);
        Directories.sync(dir);
        boolean kept;
        synchronized (closeLock) {
            kept = !closed && segments.putIfAbsent(number, next) == null;
        }
        if (!kept) {
            next.close(); // the writer made it first, or the journal closed meanwhile
        }
    }

    /** Deletes every segment numbered below {@code number}; returns the bytes freed. */
    long retireBefore(long number) {
        long freed = 0;
        for (Map.Entry<Long, Segment> entry : segments.headMap(number).entrySet()) {
            Segment segment = entry.getValue();
            segments.remove(entry.getKey());
            segment.close();
            try {
                freed += Files.size(segment.file());
                Files.deleteIfExists(segment.file());
            } catch (IOException e) {
                throw new TitanicStoreException(segment.file(), "cannot delete a retired journal segment: "
                        + e.getMessage(), e);
            }
        }
        Directories.sync(dir);
        return freed;
    }

    /**
     * Closes every segment. Called once the writer has stopped; a segment prepared after this is closed by
     * {@link #prepareNext} itself, so that no journal file stays open.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            closed = true;
        }
        segments.values().forEach(Segment::close);
    }
}
