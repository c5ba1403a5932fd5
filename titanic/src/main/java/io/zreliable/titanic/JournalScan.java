package io.zreliable.titanic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every journal segment of a store directory on open, checking each record's CRC32C and that indexes run
 * on without a gap from segment to segment, and hands each record to a visitor. A torn tail (the last segment's
 * last record cut short or failing its CRC, or only zeros after it: what a process killed while writing leaves)
 * is truncated and logged at WARN with the bytes dropped: it was never acknowledged, since acknowledgement follows
 * the sync. Anything else that is wrong (a bad record followed by more data, a bad header, a missing segment, a
 * journal that starts after the index the checkpoint needs) is a {@link TitanicStoreException} naming the file
 * and the byte offset. Segments wholly before {@code start} (left by an interrupted retirement) are deleted.
 */
final class JournalScan {
    /** A record's payload is never near this; a larger length field is damage, not data. */
    static final int MAX_PAYLOAD = 256 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(JournalScan.class);

    interface Visitor {
        void record(JournalRecord record, JournalLocation location);
    }

    /** The segments found, oldest first (the last may be prepared and empty), and the last index in them. */
    record Result(List<Segment> segments, long lastIndex, long tornBytes) {
    }

    private JournalScan() {
    }

    static TreeMap<Long, Path> segmentFiles(Path dir) {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "journal-*.log")) {
            for (Path file : stream) {
                long number = Segment.numberOf(file.getFileName().toString());
                if (number >= 0) {
                    files.put(number, file);
                }
            }
        } catch (IOException e) {
            throw new TitanicStoreException(dir, "cannot list the journal segments: " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * Scans the journal from index {@code start} on ({@code start} = 1 for a new journal).
     *
     * @param expectedEnd the index the checkpoint says was applied; the journal must reach it
     */
    static Result scan(Path dir, long start, long expectedEnd, Path checkpointFile, Visitor visitor) {
        TreeMap<Long, Path> files = segmentFiles(dir);
        dropRetired(files, start);
        long lastWritten = dropExtraEmpty(files);
        List<Segment> segments = new ArrayList<>();
        long expected = -1;
        long previousNumber = -1;
        long torn = 0;
        try {
            for (var entry : files.entrySet()) {
                long number = entry.getKey();
                Path file = entry.getValue();
                // The segment written last; an empty one after it was only prepared.
                boolean last = number >= lastWritten;
                if (previousNumber >= 0 && number != previousNumber + 1) {
                    throw new TitanicStoreException(file, "journal segment " + Segment.fileName(previousNumber + 1)
                            + " is missing: records " + expected + " onwards are not in the journal (byte offset 0)");
                }
                previousNumber = number;
                long size = Files.size(file);
                if (size < JournalFormat.SEGMENT_HEADER) {
                    if (!last) {
                        throw new TitanicStoreException(file, "journal segment is " + size
                                + " bytes, shorter than its header, but later segments exist (byte offset 0)");
                    }
                    if (size > 0) {
                        truncate(file, 0, size);
                        torn += size;
                    }
                    long first = expected < 0 ? start : expected;
                    Segment prepared = Segment.open(dir, number, first, first - 1, 0);
                    segments.add(prepared);
                    continue;
                }
                long first = readHeader(file, number);
                if (expected < 0) {
                    if (first > start) {
                        throw new TitanicStoreException(file, "journal starts at index " + first
                                + " but the checkpoint needs it from index " + start
                                + "; an earlier segment is missing (byte offset 0)");
                    }
                } else if (first != expected) {
                    throw new TitanicStoreException(file, "journal segment starts at index " + first + ", expected "
                            + expected + "; a segment is missing or out of place (byte offset 0)");
                }
                Segment segment = Segment.open(dir, number, first, first - 1, JournalFormat.SEGMENT_HEADER);
                segments.add(segment);
                long[] end = scanRecords(segment, size, first, last, visitor);
                torn += end[2];
                segment.synced(end[0], end[1]);
                expected = end[1] + 1;
            }
        } catch (IOException e) {
            segments.forEach(Segment::close);
            throw new TitanicStoreException(dir, "cannot read the journal: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            segments.forEach(Segment::close);
            throw e;
        }
        long lastIndex = expected < 0 ? start - 1 : expected - 1;
        if (lastIndex < expectedEnd) {
            segments.forEach(Segment::close);
            String where = files.isEmpty() ? "no journal segment exists"
                    : "the journal ends at index " + lastIndex + " in " + files.lastEntry().getValue() + " at byte offset "
                            + sizeOf(files.lastEntry().getValue());
            throw new TitanicStoreException(checkpointFile, "checkpoint says index " + expectedEnd
                    + " was applied but " + where + "; records are missing");
        }
        return new Result(segments, lastIndex, torn);
    }

    /**
     * Keeps at most one empty segment after the last one holding data (the one prepared ahead) and returns the
     * number of that last one holding data (or the first segment's number if none holds any).
     */
    private static long dropExtraEmpty(TreeMap<Long, Path> files) {
        long lastWritten = files.isEmpty() ? 0 : files.firstKey();
        for (var entry : files.entrySet()) {
            if (sizeOf(entry.getValue()) > 0) {
                lastWritten = entry.getKey();
            }
        }
        Long extra = files.higherKey(lastWritten);
        while (extra != null && files.higherKey(extra) != null) {
            Path surplus = files.remove(files.lastKey());
            try {
                Files.deleteIfExists(surplus);
            } catch (IOException e) {
                throw new TitanicStoreException(surplus, "cannot delete an unused segment: " + e.getMessage(), e);
            }
        }
        return lastWritten;
    }

    /** Deletes segments whose records all precede {@code start} (a retirement was interrupted). */
    private static void dropRetired(TreeMap<Long, Path> files, long start) {
        while (files.size() > 1) {
            Path next = files.higherEntry(files.firstKey()).getValue();
            long nextFirst;
            try {
                if (Files.size(next) < JournalFormat.SEGMENT_HEADER) {
                    return;
                }
                nextFirst = readHeader(next, files.higherKey(files.firstKey()));
            } catch (IOException e) {
                throw new TitanicStoreException(next, "cannot read the journal: " + e.getMessage(), e);
            }
            if (nextFirst > start) {
                return;
            }
            Path retired = files.pollFirstEntry().getValue();
            try {
                Files.deleteIfExists(retired);
                LOG.info("Deleted journal segment {}, retired before the last checkpoint", retired);
            } catch (IOException e) {
                throw new TitanicStoreException(retired, "cannot delete a retired segment: " + e.getMessage(), e);
            }
        }
    }

    private static long readHeader(Path file, long number) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(JournalFormat.SEGMENT_HEADER);
        try (FileChannel channel = FileChannel.open(file)) {
            readFully(channel, header, 0);
        }
        header.flip();
        ByteBuffer expected = JournalFormat.segmentHeader(header.getLong(8), header.getLong(16));
        if (header.getInt(0) != JournalFormat.MAGIC) {
            throw new TitanicStoreException(file, "not a Titanic journal segment (wrong magic at byte offset 0)");
        }
        if (!expected.equals(header)) {
            throw new TitanicStoreException(file, "journal segment header is corrupt (byte offset 0)");
        }
        if (header.getLong(8) != number) {
            throw new TitanicStoreException(file, "journal segment header names segment " + header.getLong(8)
                    + " (byte offset 8); the file was renamed or copied");
        }
        return header.getLong(16);
    }

    /** Returns {end offset, last index, torn bytes dropped}. */
    private static long[] scanRecords(Segment segment, long size, long first, boolean last, Visitor visitor)
            throws IOException {
        FileChannel channel = segment.channel();
        long offset = JournalFormat.SEGMENT_HEADER;
        long index = first - 1;
        ByteBuffer header = ByteBuffer.allocate(JournalFormat.RECORD_HEADER);
        while (offset < size) {
            String problem = null;
            int length = -1;
            if (size - offset < JournalFormat.RECORD_HEADER) {
                problem = "record header cut short";
            } else {
                header.clear();
                readFully(channel, header, offset);
                length = header.getInt(0);
                if (length < 0 || length > MAX_PAYLOAD) {
                    problem = "record length " + length + " is impossible";
                } else if (offset + JournalFormat.size(length) > size) {
                    problem = "record cut short";
                }
            }
            if (problem == null) {
                ByteBuffer record = ByteBuffer.allocate(JournalFormat.size(length));
                readFully(channel, record, offset);
                JournalRecord.Type type = JournalRecord.Type.of(record.get(16));
                long recordIndex = record.getLong(8);
                if (record.getInt(4) != JournalFormat.crc(record, 0, length)) {
                    problem = "record CRC mismatch";
                } else if (recordIndex != index + 1) {
                    problem = "record index " + recordIndex + ", expected " + (index + 1);
                } else if (type == null || length < Uuids.LENGTH + 12) {
                    problem = "record type " + record.get(16) + " or length " + length + " is not a Titanic record";
                } else {
                    byte[] payload = new byte[length];
                    record.position(JournalFormat.RECORD_HEADER).get(payload);
                    index = recordIndex;
                    visitor.record(new JournalRecord(index, type, payload),
                            new JournalLocation(segment.number(), offset, record.capacity(), index));
                    offset += record.capacity();
                    continue;
                }
            }
            boolean reachesEnd = length < 0 || length > MAX_PAYLOAD || offset + JournalFormat.size(length) >= size;
            if (last && (reachesEnd || zerosFrom(channel, offset + JournalFormat.size(length), size))) {
                LOG.warn("Titanic journal {} has a torn tail at byte offset {} ({}): dropping {} bytes that were "
                        + "never acknowledged", segment.file(), offset, problem, size - offset);
                truncate(segment.file(), offset, size);
                return new long[] {offset, index, size - offset};
            }
            throw new TitanicStoreException(segment.file(), "journal is corrupt at byte offset " + offset + ": "
                    + problem + (last ? " with more data after it" : " in a segment that is not the last"));
        }
        return new long[] {offset, index, 0};
    }

    private static boolean zerosFrom(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long at = from;
        while (at < size) {
            chunk.clear();
            if (size - at < chunk.capacity()) {
                chunk.limit((int) (size - at));
            }
            int read = channel.read(chunk, at);
            if (read <= 0) {
                return true;
            }
            for (int i = 0; i < read; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            at += read;
        }
        return true;
    }

    static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte offset " + at);
            }
            at += read;
        }
    }

    private static void truncate(Path file, long offset, long size) {
        try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(offset);
            channel.force(true);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot truncate the torn tail at byte offset " + offset
                    + " (" + (size - offset) + " bytes): " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
