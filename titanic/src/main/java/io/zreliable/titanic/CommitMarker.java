package io.zreliable.titanic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A tiny fsync'd file saying which replica may be half-written. MapDB 3.1.0 cannot repair a store killed while
 * writing it (its write-ahead log is never replayed on open), so before the first write of a batch to a replica we
 * record its name here; on open, a replica named by the marker is restored from the other, which is complete.
 * Layout: magic "TTNC", state byte, batch number (long), CRC32 of the preceding 13 bytes.
 */
final class CommitMarker implements AutoCloseable {
    static final String FILE_NAME = "titanic.marker";

    enum State {
        /** The replicas are being created: nothing was ever acknowledged. */
        CREATING,
        /** Both replicas are complete and equal (clean shutdown). */
        CLEAN,
        /** Replica A may be torn; B is complete. */
        A_IN_DOUBT,
        /** Replica B may be torn; A is complete. */
        B_IN_DOUBT
    }

    record Content(State state, long batch) {
    }

    private static final int MAGIC = 0x54544E43; // "TTNC"
    private static final int SIZE = 4 + 1 + 8 + 4;

    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);

    private CommitMarker(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static Path path(Path directory) {
        return directory.resolve(FILE_NAME);
    }

    /**
     * Reads the marker; null when the file does not exist or is empty (created, then killed before the first
     * write). Fails on a damaged or foreign file.
     */
    static Content read(Path directory) {
        Path file = path(directory);
        if (!Files.exists(file)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot read the commit marker: " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length != SIZE || in.getInt() != MAGIC) {
            throw new TitanicStoreException(file, "not a Titanic commit marker (wrong format)");
        }
        int state = in.get();
        long batch = in.getLong();
        int crc = in.getInt();
        if (crc != crc(bytes) || state < 0 || state >= State.values().length) {
            throw new TitanicStoreException(file, "commit marker is corrupt (checksum mismatch)");
        }
        return new Content(State.values()[state], batch);
    }

    static CommitMarker open(Path directory) {
        Path file = path(directory);
        try {
            return new CommitMarker(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ));
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot open the commit marker: " + e.getMessage(), e);
        }
    }

    /** Overwrites the marker and forces it to disk before returning. */
    void write(State state, long batch) {
        buffer.clear();
        buffer.putInt(MAGIC).put((byte) state.ordinal()).putLong(batch);
        buffer.putInt(crc(buffer.array()));
        buffer.flip();
        try {
            int written = 0;
            while (buffer.hasRemaining()) {
                written += channel.write(buffer, written);
            }
            // fdatasync: the 17 bytes, in place; the file's size never changes after creation, and its mtime
            // does not matter, so there is no metadata worth a journal commit per batch.
            channel.force(false);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot write the commit marker: " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the marker was forced after every write
        }
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, SIZE - 4);
        return (int) crc.getValue();
    }
}
