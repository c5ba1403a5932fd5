package io.zreliable.titanic;

import io.zreliable.common.Frames;
import io.zreliable.common.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The durable state of Titanic: requests waiting for their service, in arrival order, and replies waiting for their
 * client, in one directory.
 *
 * <p><b>Durability.</b> Every change (request stored, reply stored, request closed) is a record appended to an
 * append-only journal of segment files ({@code journal-N.log}), each record with its 64-bit index, type, length and
 * CRC32C. Every write returns a future that completes only after the sync (fdatasync) covering its record, so a
 * caller that acknowledges on completion never acknowledges something a crash can lose. Writes are
 * group-committed: one writer thread appends every operation queued while the previous batch was syncing and
 * syncs them with <b>one</b> fdatasync ({@link #commitCount()} counts batches, {@link #syncCount()} syncs).
 *
 * <p><b>State.</b> The applied state (uuid index, replies, pending queue) is a MapDB 3.1.0 file,
 * {@code titanic-state.db}, used without MapDB's transactions and written only by checkpoints on a thread of
 * their own: the changes since the last one, held in memory meanwhile, are applied, the file is committed and
 * synced, then {@code titanic.checkpoint} records the journal index it reaches. Every value in it carries a
 * CRC32C checked when read; a mismatch is never served (the journal's copy is, and the error is logged).
 *
 * <p><b>Recovery.</b> On open the journal is scanned and checked, and the records after the checkpoint are
 * replayed. A torn tail (what kill -9 leaves) is cut off with a warning giving the bytes dropped; a bad record
 * anywhere else, a missing segment or a checkpoint beyond the journal's end fails with a
 * {@link TitanicStoreException} naming the file and the byte offset, never an empty store in its place. A damaged
 * state file, or one a crash interrupted, is rebuilt from the journal.
 *
 * <p><b>Space.</b> A segment is deleted once a checkpoint covers it; requests still live in it are first
 * re-appended, so a long-pending request never pins a segment and the journal alone always holds the whole state
 * (which is also what makes it a replication log: {@link #journalFrom(long)}, {@link #appendReplicated(List)}).
 * While the disk has less free space than {@code diskReserveBytes} new requests are refused; replies and closes
 * use the reserve, and everything resumes by itself once space is back.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Futures complete on the writer thread: do not block in their
 * callbacks (use the {@code *Async} variants to move work elsewhere).
 */
public final class TitanicStore implements AutoCloseable {
    private final TitanicStoreConfig config;
    private final StoreLock lock;
    private final BlockingQueue<StoreOp> queue;
    private final StoreEngine engine;
    private final Thread writerThread;
    private final Object enqueueLock = new Object();
    private boolean closed; // guarded by enqueueLock

    private TitanicStore(TitanicStoreConfig config, StoreLock lock, StoreOpener.Opened opened) {
        this.config = config;
        this.lock = lock;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.engine = new StoreEngine(config, opened, queue);
        this.writerThread = new Thread(engine, "titanic-store");
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens (or creates) the store in {@code config.directory()}, recovering what a crash left behind.
     *
     * @throws TitanicStoreException if the directory cannot be used: locked by another process, a corrupt journal
     *     or checkpoint, files that are not a Titanic store. The message names the file (and the byte offset).
     */
    public static TitanicStore open(TitanicStoreConfig config) {
        Require.notNull(config, "store config");
        Path dir = config.directory().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TitanicStoreException(dir, "cannot create the store directory: " + e.getMessage(), e);
        }
        StoreLock lock = StoreLock.acquire(dir);
        try {
            TitanicStore store = new TitanicStore(config, lock, StoreOpener.open(config, dir));
            store.writerThread.start();
            return store;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Stores a new request for {@code service}. Completes with its uuid once the request is committed to disk, or
     * exceptionally with a {@link TitanicStoreFullException} (limits) or {@link TitanicStoreException}.
     */
    public CompletableFuture<String> submit(String service, List<byte[]> body) {
        Require.notNull(service, "service");
        Require.that(body != null && !body.isEmpty(), "a request needs at least one body frame");
        List<byte[]> frames = List.copyOf(body);
        long bytes = service.length();
        for (byte[] frame : frames) {
            bytes += frame.length;
        }
        CompletableFuture<String> future = new CompletableFuture<>();
        if (bytes > config.maxRequestBytes()) {
            future.completeExceptionally(new TitanicStoreFullException(null,
                    "request of " + bytes + " bytes exceeds the limit of " + config.maxRequestBytes() + " bytes"));
            return future;
        }
        return enqueue(new StoreOp.Submit(Uuids.generate(), service, frames, bytes, future));
    }

    /**
     * Stores the reply of a waiting request and takes it off the pending queue, in one commit. Completes with true,
     * or false when the request is no longer waiting (already answered, or closed by its client); exceptionally with
     * a {@link TitanicStoreFullException} for a reply over {@code maxRequestBytes}.
     */
    public CompletableFuture<Boolean> storeReply(String uuid, List<byte[]> reply) {
        Require.notNull(reply, "reply");
        List<byte[]> frames = List.copyOf(reply);
        long bytes = 0;
        for (byte[] frame : frames) {
            bytes += frame.length;
        }
        if (bytes > config.maxRequestBytes()) {
            CompletableFuture<Boolean> refused = new CompletableFuture<>();
            refused.completeExceptionally(new TitanicStoreFullException(null,
                    "reply of " + bytes + " bytes exceeds the limit of " + config.maxRequestBytes() + " bytes"));
            return refused;
        }
        return enqueue(new StoreOp.Done(checkedUuid(uuid), frames, bytes, new CompletableFuture<>()));
    }

    /** Deletes a request and its reply; completes once committed. Closing an unknown uuid is not an error. */
    public CompletableFuture<Void> close(String uuid) {
        return enqueue(new StoreOp.Close(checkedUuid(uuid), new CompletableFuture<>()));
    }

    /** Whether {@code uuid} is pending, answered (with the reply) or unknown, as committed on disk. */
    public CompletableFuture<ReplyLookup> lookup(String uuid) {
        return enqueue(new StoreOp.Lookup(checkedUuid(uuid), new CompletableFuture<>()));
    }

    /** The request {@code uuid} if it is still waiting for its reply (empty once answered or closed). */
    public CompletableFuture<Optional<StoredRequest>> waiting(String uuid) {
        return enqueue(new StoreOp.Get(checkedUuid(uuid), new CompletableFuture<>()));
    }

    /** Up to {@code limit} waiting requests with sequence number {@code >= fromSeq}, in arrival order. */
    public CompletableFuture<List<StoredRequest>> pending(long fromSeq, int limit) {
        Require.positive(limit, "pending limit");
        return enqueue(new StoreOp.Pending(fromSeq, limit, new CompletableFuture<>()));
    }

    /**
     * Reclaims disk space now rather than as the store goes: checkpoints, retires every journal segment a
     * checkpoint covers (copying live requests forward) and rewrites the state file with only its live data
     * (MapDB reuses freed space but never shrinks its file). Runs on the writer thread, so other operations wait
     * meanwhile; crash-safe. Completes with the bytes freed on disk.
     */
    public CompletableFuture<Long> compact() {
        return enqueue(new StoreOp.Compact(new CompletableFuture<>()));
    }

    /**
     * Reads this store's journal from the record after {@code afterIndex} on, following it as it grows (for
     * shipping it to another store). {@code 0} reads it from its first record, which yields the whole state.
     */
    public JournalTail journalFrom(long afterIndex) {
        return new JournalTail(engine.journal(), afterIndex);
    }

    /**
     * Appends records read from another store's journal ({@link #journalFrom(long)}), keeping their indexes, and
     * applies them; completes with the last index once they are synced, like any write. The first record's index
     * must follow this journal's last one; a store fed this way should take no writes of its own.
     */
    public CompletableFuture<Long> appendReplicated(List<JournalRecord> records) {
        Require.notNull(records, "records");
        return enqueue(new StoreOp.Replicate(List.copyOf(records), new CompletableFuture<>()));
    }

    /** Index of the journal's last synced record (0 for a new store). */
    public long lastIndex() {
        return engine.journal().lastIndex();
    }

    /** Largest request or reply stored, in bytes (all frames). */
    public int maxRequestBytes() {
        return config.maxRequestBytes();
    }

    /** Batches journaled since open, each made durable by one sync. */
    public long commitCount() {
        return engine.commitCount();
    }

    /**
     * Syncs done by the writer thread since open: one per batch, plus one for the directory whenever it had to
     * create a journal segment itself (normally the checkpoint thread prepares the next one ahead).
     */
    public long syncCount() {
        return engine.syncCount();
    }

    /** Checkpoints completed since open. */
    public long checkpointCount() {
        return engine.checkpointCount();
    }

    /** Reads the state file could not serve (checksum mismatch or missing value), served from the journal. */
    public long damagedReads() {
        return engine.damagedReads();
    }

    /** False while new requests are refused for lack of disk space or because the journal cannot be written. */
    public boolean hasSpace() {
        return engine.hasSpace();
    }

    /** Requests held, waiting or answered and not closed. */
    public int entries() {
        return engine.entries();
    }

    /** Bytes of stored requests and replies. */
    public long liveBytes() {
        return engine.liveBytes();
    }

    /** Bytes on disk: journal segments and state file. */
    public long fileSizeBytes() {
        return engine.diskBytes();
    }

    public Path directory() {
        return config.directory();
    }

    /** True for a syntactically valid TSP request id (32 hex characters). */
    public static boolean isValidUuid(String uuid) {
        return Uuids.isValid(uuid);
    }

    /**
     * Stops the writer after the operations already queued, checkpoints, then closes the files.
     * Operations submitted afterwards fail.
     */
    @Override
    public void close() {
        synchronized (enqueueLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        try {
            queue.put(new StoreOp.Stop(stopped));
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writerThread.isAlive()) {
            engine.closeFiles();
        }
        lock.close();
    }

    private <T, O extends StoreOp> CompletableFuture<T> enqueue(O op) {
        @SuppressWarnings("unchecked")
        CompletableFuture<T> future = (CompletableFuture<T>) op.future();
        boolean accepted;
        boolean open;
        // Under the lock, so that every accepted operation is queued before close()'s Stop and gets an answer.
        synchronized (enqueueLock) {
            open = !closed;
            accepted = open && queue.offer(op);
        }
        if (!open) {
            future.completeExceptionally(new TitanicStoreException(config.directory(), "store is closed"));
        } else if (!accepted) {
            future.completeExceptionally(new TitanicStoreFullException(config.directory(),
                    "store is busy: " + config.queueCapacity() + " operations already queued"));
        }
        return future;
    }

    private static String checkedUuid(String uuid) {
        Require.that(Uuids.isValid(uuid), "request id must be 32 hexadecimal characters, was "
                + (uuid == null ? "null" : Frames.printable(Frames.utf8(uuid))));
        return Uuids.normalize(uuid);
    }
}
