package io.zreliable.titanic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;

/**
 * The applied state in one MapDB 3.1.0 file, {@code titanic-state.db}: {@code requests} (uuid -> seq + service +
 * body frames while waiting), {@code pending} (seq -> uuid, arrival order), {@code replies} (uuid -> seq + reply
 * frames until closed) and {@code applied}, the journal index it holds everything up to. Every value is stored
 * behind a CRC32C of itself, checked on every read: a changed byte is never served.
 *
 * <p>Opened without MapDB's transactions (3.1.0 never replays its write-ahead log, so they buy no crash safety),
 * through a file channel rather than memory-mapped (a full disk is then an I/O error, never a SIGBUS, and a file
 * dropped after a failed write leaves no mapping holding its space), and written only by checkpoints:
 * {@link #commit()} stamps MapDB's header and forces the file with one fdatasync. A checkpoint interrupted mid-write leaves the file torn; the checkpoint file says so and the state
 * is rebuilt from the journal on open. Thread-safe (MapDB's collections are): the checkpoint thread writes while
 * the writer thread reads.
 */
final class StateFile implements AutoCloseable {
    static final String FILE_NAME = "titanic-state.db";

    /** A value failed its checksum: the state file is damaged there. */
    static final class DamagedException extends TitanicStoreException {
        DamagedException(Path file, String message) {
            super(file, message);
        }
    }

    private final Path file;
    /** MapDB's file access, opened here so that it is closed even when closing the DB fails (a full disk). */
    private final Volume volume;
    private final DB db;
    private final FileChannel syncChannel;
    private final BTreeMap<String, byte[]> requests;
    private final BTreeMap<Long, String> pending;
    private final BTreeMap<String, byte[]> replies;
    private final Atomic.Long applied;

    private StateFile(Path file, Volume volume, DB db, boolean create) throws IOException {
        this.file = file;
        this.volume = volume;
        this.db = db;
        if (create) {
            requests = db.treeMap("requests", Serializer.STRING, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                    .create();
            pending = db.treeMap("pending", Serializer.LONG, Serializer.STRING).create();
            replies = db.treeMap("replies", Serializer.STRING, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                    .create();
            applied = db.atomicLong("applied", 0L).create();
        } else {
            requests = db.treeMap("requests", Serializer.STRING, Serializer.BYTE_ARRAY).open();
            pending = db.treeMap("pending", Serializer.LONG, Serializer.STRING).open();
            replies = db.treeMap("replies", Serializer.STRING, Serializer.BYTE_ARRAY).open();
            applied = db.atomicLong("applied").open();
        }
        syncChannel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** A new, empty state file (any old one at {@code file} is deleted first). */
    static StateFile create(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot delete the old state file: " + e.getMessage(), e);
        }
        Volume volume = openVolume(file);
        DB db = null;
        try {
            db = DBMaker.volumeDB(volume, false).make();
            StateFile state = new StateFile(file, volume, db, true);
            state.commit();
            return state;
        } catch (IOException | RuntimeException e) {
            closeQuietly(db, volume);
            throw new TitanicStoreException(file, "cannot create the state file: " + e, e);
        }
    }

    /** Opens an existing state file; any failure is a {@link DamagedException} naming it. */
    static StateFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DamagedException(file, "state file is missing");
        }
        Volume volume;
        try {
            volume = openVolume(file);
        } catch (TitanicStoreException e) {
            throw new DamagedException(file, e.reason());
        }
        DB db = null;
        try {
            db = DBMaker.volumeDB(volume, true).make();
            return new StateFile(file, volume, db, false);
        } catch (IOException | RuntimeException e) {
            closeQuietly(db, volume);
            throw new DamagedException(file, "state file is corrupt or not a Titanic state file: " + describe(e));
        }
    }

    private static Volume openVolume(Path file) {
        try {
            return new FileChannelVol(file.toFile());
        } catch (RuntimeException e) {
            throw new TitanicStoreException(file, "cannot open the state file: " + describe(e), e);
        }
    }

    private static void closeQuietly(DB db, Volume volume) {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException ignored) {
                // the volume is closed below all the same
            }
        }
        try {
            volume.close();
        } catch (RuntimeException ignored) {
            // already closed by the DB
        }
    }

    Path file() {
        return file;
    }

    long applied() {
        return applied.get();
    }

    /** Applies the changes (each the latest for its uuid) and records the journal index they reach. */
    void apply(Map<String, Overlay.Change> changes, long upTo) {
        for (Map.Entry<String, Overlay.Change> e : changes.entrySet()) {
            put(e.getKey(), e.getValue());
        }
        applied.set(upTo);
    }

    void put(String uuid, Overlay.Change change) {
        switch (change.type()) {
            case REQUEST -> {
                requests.put(uuid, sealed(change.value()));
                pending.put(change.seq(), uuid);
                replies.remove(uuid);
            }
            case REPLY -> {
                if (requests.remove(uuid) != null) {
                    pending.remove(change.seq());
                }
                replies.put(uuid, sealed(change.value()));
            }
            case CLOSE -> {
                if (requests.remove(uuid) != null) {
                    pending.remove(change.seq());
                }
                replies.remove(uuid);
            }
            default -> throw new IllegalStateException(change.type().name());
        }
    }

    /** The waiting request's stored form, checksum verified; null if the file does not hold it. */
    byte[] request(String uuid) {
        return unsealed(uuid, requests.get(uuid), "request");
    }

    /** The reply's stored form, checksum verified; null if the file does not hold it. */
    byte[] reply(String uuid) {
        return unsealed(uuid, replies.get(uuid), "reply");
    }

    /** Checks every stored value's checksum and that the queue matches the requests; returns the entries. */
    int verify() {
        try {
            int count = 0;
            for (Map.Entry<String, byte[]> e : requests.entrySet()) {
                byte[] value = unsealed(e.getKey(), e.getValue(), "request");
                if (!e.getKey().equals(pending.get(FrameCodec.seq(value)))) {
                    throw new DamagedException(file, "state file is inconsistent: request " + e.getKey()
                            + " is missing from the queue");
                }
                count++;
            }
            if (pending.size() != count) {
                throw new DamagedException(file, "state file is inconsistent: queue has " + pending.size()
                        + " entries for " + count + " requests");
            }
            for (Map.Entry<String, byte[]> e : replies.entrySet()) {
                unsealed(e.getKey(), e.getValue(), "reply");
                count++;
            }
            return count;
        } catch (TitanicStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DamagedException(file, "state file is corrupt: " + describe(e));
        }
    }

    /** Stamps MapDB's header and forces the file to disk with one fdatasync. */
    void commit() {
        db.commit();
        try {
            syncChannel.force(false);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot force the state file to disk: " + e.getMessage(), e);
        }
    }

    long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        closeQuietly(db, volume); // even after a failure: the journal holds everything
        try {
            syncChannel.close();
        } catch (IOException ignored) {
            // every checkpoint forced the file
        }
    }

    private static byte[] sealed(byte[] value) {
        byte[] out = new byte[4 + value.length];
        CRC32C crc = new CRC32C();
        crc.update(value);
        ByteBuffer.wrap(out).putInt((int) crc.getValue()).put(value);
        return out;
    }

    private byte[] unsealed(String uuid, byte[] stored, String what) {
        if (stored == null) {
            return null;
        }
        if (stored.length < 4 + 12) {
            throw new DamagedException(file, "state file is damaged: " + what + " " + uuid + " is too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(stored, 4, stored.length - 4);
        if (ByteBuffer.wrap(stored).getInt() != (int) crc.getValue()) {
            throw new DamagedException(file, "state file is damaged: " + what + " " + uuid
                    + " fails its checksum");
        }
        byte[] value = new byte[stored.length - 4];
        System.arraycopy(stored, 4, value, 0, value.length);
        return value;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
