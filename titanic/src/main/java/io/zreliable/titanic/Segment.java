package io.zreliable.titanic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One journal segment file, {@code journal-NNNNNNNNNNNNNNNNNNNN.log} (the segment number). Its size and last index
 * are written by the store's writer thread after each sync and read by any thread; the channel serves positional
 * reads from any thread.
 */
final class Segment {
    private final long number;
    private final Path file;
    private final FileChannel channel;
    /** Index of its first record; known once its header is written (a prepared segment has none yet). */
    private volatile long firstIndex;
    /** Index of its last record, firstIndex - 1 when it holds none. */
    private volatile long lastIndex;
    /** Bytes on disk up to the end of the last synced record. */
    private volatile long size;

    private Segment(long number, Path file, FileChannel channel, long firstIndex, long lastIndex, long size) {
        this.number = number;
        this.file = file;
        this.channel = channel;
        this.firstIndex = firstIndex;
        this.lastIndex = lastIndex;
        this.size = size;
    }

    static String fileName(long number) {
        return String.format("journal-%020d.log", number);
    }

    /** The segment number of a journal file name, or -1 if the name is not one. */
    static long numberOf(String fileName) {
        if (!fileName.startsWith("journal-") || !fileName.endsWith(".log") || fileName.length() != 32) {
            return -1;
        }
        try {
            return Long.parseLong(fileName.substring(8, 28));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static Segment open(Path dir, long number, long firstIndex, long lastIndex, long size) {
        Path file = dir.resolve(fileName(number));
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            return new Segment(number, file, channel, firstIndex, lastIndex, size);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot open the journal segment: " + e.getMessage(), e);
        }
    }

    long number() {
        return number;
    }

    Path file() {
        return file;
    }

    FileChannel channel() {
        return channel;
    }

    long firstIndex() {
        return firstIndex;
    }

    long lastIndex() {
        return lastIndex;
    }

    long size() {
        return size;
    }

    /** True once its header is on disk. */
    boolean started() {
        return size > 0;
    }

    void started(long first) {
        this.firstIndex = first;
        this.lastIndex = first - 1;
    }

    void synced(long newSize, long newLastIndex) {
        this.size = newSize; // before lastIndex: a reader that sees the index finds its bytes
        this.lastIndex = newLastIndex;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // every record it holds was synced before
        }
    }
}
