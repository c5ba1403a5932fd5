package io.zreliable.titanic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * {@code titanic.checkpoint}: how far the state file is applied and where the journal must start. Layout: magic
 * "TTNK", version byte, state byte, applied index (long), journal start index (long), CRC32C of the preceding 22
 * bytes. Replaced atomically (written to a temporary file, synced, renamed, directory synced).
 */
final class CheckpointFile {
    static final String FILE_NAME = "titanic.checkpoint";
    private static final int MAGIC = 0x54544E4B; // "TTNK"
    private static final int VERSION = 1;
    private static final int SIZE = 4 + 1 + 1 + 8 + 8 + 4;

    enum State {
        /** The state file holds exactly the journal up to {@code applied}. */
        CLEAN,
        /** A checkpoint is writing the state file: it may be torn; rebuild it from the journal. */
        APPLYING
    }

    record Content(State state, long applied, long journalStart) {
        Content with(State newState) {
            return new Content(newState, applied, journalStart);
        }
    }

    private CheckpointFile() {
    }

    static Path path(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /** The checkpoint, or null if there is none (a new store). Fails naming the file on anything else. */
    static Content read(Path dir) {
        Path file = path(dir);
        if (!Files.exists(file)) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot read the checkpoint: " + e.getMessage(), e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length != SIZE || in.getInt() != MAGIC) {
            throw new TitanicStoreException(file, "not a Titanic checkpoint (wrong format at byte offset 0)");
        }
        int version = in.get();
        int state = in.get();
        long applied = in.getLong();
        long start = in.getLong();
        if (in.getInt() != crc(bytes) || version != VERSION || state < 0 || state >= State.values().length) {
            throw new TitanicStoreException(file, "checkpoint is corrupt (checksum mismatch at byte offset "
                    + (SIZE - 4) + ")");
        }
        return new Content(State.values()[state], applied, start);
    }

    static void write(Path dir, Content content) {
        Path file = path(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        ByteBuffer out = ByteBuffer.allocate(SIZE);
        out.putInt(MAGIC).put((byte) VERSION).put((byte) content.state().ordinal()).putLong(content.applied())
                .putLong(content.journalStart());
        out.putInt(crc(out.array()));
        out.flip();
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.force(false);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Directories.sync(dir);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot write the checkpoint: " + e.getMessage(), e);
        }
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        return (int) crc.getValue();
    }
}
