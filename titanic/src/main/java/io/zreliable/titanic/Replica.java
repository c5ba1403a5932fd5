package io.zreliable.titanic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * One MapDB file holding a full copy of the store: {@code requests} (uuid -> seq + service + body frames, while the
 * request waits for its reply), {@code pending} (seq -> uuid, the arrival order), {@code replies} (uuid -> seq +
 * reply frames, until closed) and the last sequence and batch numbers. Used by the store's writer thread only.
 *
 * <p>Opened as a plain MapDB {@code StoreDirect} on memory-mapped files, without MapDB's transactions: MapDB 3.1.0
 * never replays its write-ahead log on open, so the log bought no crash safety, yet it created, re-read, fsync'd and
 * deleted a log file on every commit. Writes go straight into the file; {@link #commit()} stamps the header
 * checksum and forces the file to disk with one fdatasync of its own: MapDB's sync would msync every 1 MB slice of
 * the mapping, so a commit would cost one disk flush per megabyte of store (measured: 3 to 6 per batch on a small
 * store, more as it grows), while one fdatasync of the file writes back every page dirtied through the mapping.
 * Between a replica's first write of a batch and its commit the replica is torn if the process dies, so the
 * writer names it in the {@link CommitMarker} before that first write, and the other replica, complete, repairs it
 * on open. Mapped buffers are unmapped on close (MapDB's cleaner hack, which uses
 * {@code sun.misc.Unsafe.invokeCleaner} on Java 9+) so that compaction and repair can replace the file at once;
 * growth pre-fills the new space with zeros, so a full disk is an I/O error, not a SIGBUS.
 */
final class Replica implements AutoCloseable {
    /** What a full scan of a replica found; used to pick and trust a replica on open. */
    record Stats(long batch, long lastSeq, int requests, int replies, long liveBytes) {
    }

    private final Path file;
    private final DB db;
    /** The file's own descriptor, for the one fdatasync per commit. */
    private final FileChannel syncChannel;
    private final BTreeMap<String, byte[]> requests;
    private final BTreeMap<Long, String> pending;
    private final BTreeMap<String, byte[]> replies;
    private final Atomic.Long lastSeq;
    private final Atomic.Long batch;

    private Replica(Path file, DB db, boolean create) {
        this.file = file;
        this.db = db;
        if (create) {
            requests = db.treeMap("requests", Serializer.STRING, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                    .create();
            pending = db.treeMap("pending", Serializer.LONG, Serializer.STRING).create();
            replies = db.treeMap("replies", Serializer.STRING, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
                    .create();
            lastSeq = db.atomicLong("lastSeq", 0L).create();
            batch = db.atomicLong("batch", 0L).create();
        } else {
            requests = db.treeMap("requests", Serializer.STRING, Serializer.BYTE_ARRAY).open();
            pending = db.treeMap("pending", Serializer.LONG, Serializer.STRING).open();
            replies = db.treeMap("replies", Serializer.STRING, Serializer.BYTE_ARRAY).open();
            lastSeq = db.atomicLong("lastSeq").open();
            batch = db.atomicLong("batch").open();
        }
        try {
            syncChannel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot open the store file for syncing: " + e.getMessage(), e);
        }
    }

    /** Creates a new, empty replica file and commits its empty collections. */
    static Replica create(Path file) {
        DB db = openDb(file);
        try {
            Replica replica = new Replica(file, db, true);
            replica.commit();
            return replica;
        } catch (RuntimeException e) {
            db.close();
            throw new TitanicStoreException(file, "cannot create the store file: " + e.getMessage(), e);
        }
    }

    /** Opens an existing replica file; fails with a clear error on anything that is not an intact replica. */
    static Replica open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TitanicStoreException(file, "store file is missing");
        }
        DB db = openDb(file);
        try {
            return new Replica(file, db, false);
        } catch (RuntimeException e) {
            db.close();
            throw new TitanicStoreException(file, "store file is corrupt or not a Titanic store: " + describe(e), e);
        }
    }

    private static DB openDb(Path file) {
        try {
            // No sync from MapDB: commit() forces the whole file once instead (see the class comment).
            return DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().cleanerHackEnable().fileSyncDisable()
                    .make();
        } catch (DBException.FileLocked e) {
            throw new TitanicStoreException(file, "store file is locked by another process", e);
        } catch (DBException.WrongFormat | DBException.NewMapDBFormat e) {
            throw new TitanicStoreException(file, "not a MapDB store file (wrong format): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new TitanicStoreException(file, "store file is corrupt: " + describe(e), e);
        }
    }

    Path file() {
        return file;
    }

    void addRequest(String uuid, long seq, byte[] record) {
        requests.put(uuid, record);
        pending.put(seq, uuid);
        lastSeq.set(seq);
    }

    /** Stores the reply of a waiting request and takes it off the pending queue; false if it is not waiting. */
    boolean markDone(String uuid, byte[] reply) {
        byte[] request = requests.remove(uuid);
        if (request == null) {
            return false;
        }
        pending.remove(FrameCodec.seq(request));
        replies.put(uuid, reply);
        return true;
    }

    /** Forgets the request and its reply; returns the bytes that were freed. */
    long remove(String uuid) {
        long freed = 0;
        byte[] request = requests.remove(uuid);
        if (request != null) {
            pending.remove(FrameCodec.seq(request));
            freed += request.length;
        }
        byte[] reply = replies.remove(uuid);
        if (reply != null) {
            freed += reply.length;
        }
        return freed;
    }

    byte[] request(String uuid) {
        return requests.get(uuid);
    }

    byte[] reply(String uuid) {
        return replies.get(uuid);
    }

    /** Waiting requests in arrival order, from sequence number {@code fromSeq} on. */
    Iterable<Map.Entry<Long, String>> pendingFrom(long fromSeq) {
        return pending.tailMap(fromSeq, true).entrySet();
    }

    /** Copies every record into an empty replica (compaction writes the live data into a fresh file). */
    void copyInto(Replica target) {
        requests.forEach(target.requests::put);
        pending.forEach(target.pending::put);
        replies.forEach(target.replies::put);
        target.lastSeq.set(lastSeq.get());
        target.batch.set(batch.get());
    }

    void setBatch(long value) {
        batch.set(value);
    }

    /**
     * Stamps the header checksum and forces the file to disk: fdatasync, i.e. the data and what is needed to read it
     * back (the size, after growth), not the modification time every write through the mapping bumps.
     */
    void commit() {
        db.commit();
        try {
            syncChannel.force(false);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot force the store file to disk: " + e.getMessage(), e);
        }
    }

    long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Reads every record and checks that the collections agree: each pending entry names a waiting request with the
     * same sequence number, and no request is both waiting and answered.
     */
    Stats verify() {
        try {
            long live = 0;
            int waiting = 0;
            for (Map.Entry<String, byte[]> e : requests.entrySet()) {
                check(Uuids.isValid(e.getKey()), "bad request id " + e.getKey());
                FrameCodec.frames(e.getValue());
                long seq = FrameCodec.seq(e.getValue());
                check(e.getKey().equals(pending.get(seq)), "request " + e.getKey() + " missing from the queue");
                live += e.getValue().length;
                waiting++;
            }
            check(pending.size() == waiting, "queue has " + pending.size() + " entries for " + waiting + " requests");
            int answered = 0;
            for (Map.Entry<String, byte[]> e : replies.entrySet()) {
                check(Uuids.isValid(e.getKey()), "bad reply id " + e.getKey());
                check(!requests.containsKey(e.getKey()), "request " + e.getKey() + " both waiting and answered");
                FrameCodec.frames(e.getValue());
                live += e.getValue().length;
                answered++;
            }
            Long last = pending.isEmpty() ? null : pending.lastKey();
            check(last == null || last <= lastSeq.get(), "queue is ahead of the last sequence number");
            return new Stats(batch.get(), lastSeq.get(), waiting, answered, live);
        } catch (TitanicStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TitanicStoreException(file, "store file is corrupt: " + describe(e), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (RuntimeException ignored) {
            // closing after a failure: nothing more can be saved
        }
        try {
            syncChannel.close();
        } catch (IOException ignored) {
            // nothing was left to write through it: every commit forced the file
        }
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            throw new TitanicStoreException(file, "store file is inconsistent: " + problem);
        }
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
