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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state of Titanic: requests waiting for their service, in arrival order, and replies waiting for their
 * client, in a directory of MapDB 3.1.0 files.
 *
 * <p><b>Durability.</b> Every write returns a future that completes only after the commit containing it is on disk
 * (fsync'd), so a caller that acknowledges on completion never acknowledges something a crash can lose. Writes are
 * group-committed: one writer thread takes every operation queued while it was committing and commits them
 * together, so a burst of N requests costs one commit, not N ({@link #commitCount()} counts them).
 *
 * <p><b>Crash safety.</b> MapDB 3.1.0 cannot repair a file torn by a process killed while writing it (its
 * transactional mode's write-ahead log is never replayed on open), so its transactions are not used at all: the
 * store keeps two replicas, written directly (memory-mapped) and committed (fsync'd) one after the other, and
 * records in an fsync'd marker which one is being written; on open, a replica that may be torn is restored from
 * the other (see {@link StoreRecovery}).
 * A store that cannot be opened (corrupt, locked, wrong format) fails with a {@link TitanicStoreException} naming
 * the file; it never starts empty in its place.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Futures complete on the writer thread: do not block in their
 * callbacks (use the {@code *Async} variants to move work elsewhere).
 */
public final class TitanicStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TitanicStore.class);

    private final TitanicStoreConfig config;
    private final StoreLock lock;
    private final CommitMarker marker;
    private final BlockingQueue<StoreOp> queue;
    private final StoreWriter writer;
    private final Thread writerThread;
    private final Object enqueueLock = new Object();
    private boolean closed; // guarded by enqueueLock

    private TitanicStore(TitanicStoreConfig config, StoreLock lock, CommitMarker marker, StoreRecovery.Opened opened) {
        this.config = config;
        this.lock = lock;
        this.marker = marker;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.writer = new StoreWriter(config, marker, opened, queue);
        this.writerThread = new Thread(writer, "titanic-store");
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens (or creates) the store in {@code config.directory()}, repairing what a crash left behind.
     *
     * @throws TitanicStoreException if the directory cannot be used: locked by another process, corrupt files,
     *     files that are not a Titanic store. The message names the file.
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
        CommitMarker marker = null;
        try {
            marker = CommitMarker.open(dir);
            StoreRecovery.Opened opened = StoreRecovery.open(dir, marker);
            LOG.info("Titanic store open in {}: {} stored requests, {} live bytes, batch {}", dir,
                    opened.stats().requests() + opened.stats().replies(), opened.stats().liveBytes(),
                    opened.stats().batch());
            TitanicStore store = new TitanicStore(config, lock, marker, opened);
            store.writerThread.start();
            return store;
        } catch (RuntimeException e) {
            if (marker != null) {
                marker.close();
            }
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
     * Reclaims disk space: rewrites each replica with only its live data (MapDB reuses freed space but never shrinks
     * its file, and its own compaction is a no-op for transactional stores). Runs on the writer thread, so other
     * operations wait meanwhile; crash-safe like a commit (the replica being replaced is named in the marker).
     * Completes with the bytes reclaimed per replica.
     */
    public CompletableFuture<Long> compact() {
        return enqueue(new StoreOp.Compact(new CompletableFuture<>()));
    }

    /** Largest request or reply stored, in bytes (all frames). */
    public int maxRequestBytes() {
        return config.maxRequestBytes();
    }

    /** Group commits done since open (each commits both replicas). */
    public long commitCount() {
        return writer.commitCount();
    }

    /** Requests held, waiting or answered and not closed. */
    public int entries() {
        return writer.entries();
    }

    /** Bytes of stored requests and replies. */
    public long liveBytes() {
        return writer.liveBytes();
    }

    /** Size of one replica file; the directory holds two. */
    public long fileSizeBytes() {
        return writer.fileSize();
    }

    public Path directory() {
        return config.directory();
    }

    /** True for a syntactically valid TSP request id (32 hex characters). */
    public static boolean isValidUuid(String uuid) {
        return Uuids.isValid(uuid);
    }

    /**
     * Stops the writer after the operations already queued, then closes the files and marks the store clean.
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
            writer.closeFiles();
        }
        marker.close();
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
