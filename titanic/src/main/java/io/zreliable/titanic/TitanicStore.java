package io.zreliable.titanic;

import io.zreliable.common.Frames;
import io.zreliable.common.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p><b>Crash safety.</b> MapDB 3.1.0's transactional store ({@code transactionEnable()}) fsyncs on commit, but its
 * write-ahead log is never replayed on open, so a process killed inside {@code commit()} can leave the file torn.
 * The store therefore keeps two replicas and commits them one after the other, recording in an fsync'd marker which
 * one is being written; on open, a replica that may be torn is restored from the other (see {@link StoreRecovery}).
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
    // Replaced by compaction, on the writer thread, which is the only thread that uses them after open.
    private Replica a;
    private Replica b;
    private final BlockingQueue<StoreOp> queue;
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    private volatile int entries;
    private volatile long liveBytes;
    private volatile long fileSize;
    private final Object enqueueLock = new Object();
    private boolean closed; // guarded by enqueueLock
    /** Set when a replica could not be committed: the store refuses writes until it is reopened (and repaired). */
    private volatile TitanicStoreException failure;
    // Writer thread only:
    private long batch;
    private long lastSeq;
    private boolean sizeAlarmRaised;
    private boolean limitRaised;
    private boolean commitFailing;
    private long liveAtCompaction = -1;
    private long sizeAfterCompaction;

    private TitanicStore(TitanicStoreConfig config, StoreLock lock, CommitMarker marker, StoreRecovery.Opened opened) {
        this.config = config;
        this.lock = lock;
        this.marker = marker;
        this.a = opened.a();
        this.b = opened.b();
        this.batch = opened.stats().batch();
        this.lastSeq = opened.stats().lastSeq();
        this.entries = opened.stats().requests() + opened.stats().replies();
        this.liveBytes = opened.stats().liveBytes();
        this.fileSize = a.fileSize();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.writer = new Thread(this::writeLoop, "titanic-store");
        this.writer.setDaemon(true);
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
            TitanicStore store = new TitanicStore(config, lock, marker, opened);
            store.writer.start();
            LOG.info("Titanic store open in {}: {} stored requests, {} live bytes, batch {}", dir, store.entries,
                    store.liveBytes, store.batch);
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
        return commits.get();
    }

    /** Requests held, waiting or answered and not closed. */
    public int entries() {
        return entries;
    }

    /** Bytes of stored requests and replies. */
    public long liveBytes() {
        return liveBytes;
    }

    /** Size of one replica file; the directory holds two. */
    public long fileSizeBytes() {
        return fileSize;
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
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        a.close();
        b.close();
        if (failure == null && !writer.isAlive()) {
            marker.write(CommitMarker.State.CLEAN, batch);
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

    // ---- writer thread ----

    private void writeLoop() {
        List<StoreOp> ops = new ArrayList<>();
        boolean running = true;
        while (running) {
            try {
                ops.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(ops, config.maxBatch() - 1);
            running = process(ops);
            ops.clear();
        }
        // Anything left after Stop is refused, not silently dropped.
        for (StoreOp op : queue) {
            op.future().completeExceptionally(new TitanicStoreException(config.directory(), "store is closed"));
        }
    }

    /** Commits the writes of one batch, then answers its reads; false once a Stop was seen. */
    private boolean process(List<StoreOp> ops) {
        List<StoreOp> writes = new ArrayList<>(ops.size());
        for (StoreOp op : ops) {
            if (op.isWrite()) {
                writes.add(op);
            }
        }
        if (!writes.isEmpty()) {
            commitBatch(writes);
        }
        boolean running = true;
        for (StoreOp op : ops) {
            if (op instanceof StoreOp.Lookup lookup) {
                read(lookup.future(), () -> readLookup(lookup.uuid()));
            } else if (op instanceof StoreOp.Get get) {
                read(get.future(), () -> readWaiting(get.uuid()));
            } else if (op instanceof StoreOp.Pending pending) {
                read(pending.future(), () -> readPending(pending.fromSeq(), pending.limit()));
            } else if (op instanceof StoreOp.Compact compact) {
                read(compact.future(), this::compactNow);
            } else if (op instanceof StoreOp.Stop stop) {
                stop.future().complete(null);
                running = false;
            }
        }
        return running;
    }

    private void commitBatch(List<StoreOp> writes) {
        if (failure != null) {
            writes.forEach(op -> op.future().completeExceptionally(failure));
            return;
        }
        long next = batch + 1;
        // Decide once (limits, sequence numbers), then apply the same decisions to both replicas.
        Object[] results = new Object[writes.size()];
        byte[][] records = new byte[writes.size()][];
        long seq = lastSeq;
        int count = entries;
        long live = liveBytes;
        try {
            marker.write(CommitMarker.State.A_IN_DOUBT, next);
        } catch (TitanicStoreException e) {
            writes.forEach(op -> op.future().completeExceptionally(e));
            return;
        }
        try {
            for (int i = 0; i < writes.size(); i++) {
                StoreOp op = writes.get(i);
                if (op instanceof StoreOp.Submit s) {
                    if (count >= config.maxEntries()) {
                        results[i] = full("store holds " + count + " requests, the limit");
                        continue;
                    }
                    if (live + s.bytes() > config.maxLiveBytes()) {
                        results[i] = full("store holds " + live + " bytes, the limit is " + config.maxLiveBytes());
                        continue;
                    }
                    limitRaised = false;
                    List<byte[]> frames = new ArrayList<>(s.body().size() + 1);
                    frames.add(Frames.utf8(s.service()));
                    frames.addAll(s.body());
                    records[i] = FrameCodec.encode(++seq, frames);
                    a.addRequest(s.uuid(), seq, records[i]);
                    count++;
                    live += records[i].length;
                    results[i] = s.uuid();
                } else if (op instanceof StoreOp.Done d) {
                    byte[] request = a.request(d.uuid());
                    if (request == null) {
                        results[i] = Boolean.FALSE;
                        continue;
                    }
                    records[i] = FrameCodec.encode(FrameCodec.seq(request), d.reply());
                    a.markDone(d.uuid(), records[i]);
                    live += records[i].length - request.length;
                    results[i] = Boolean.TRUE;
                } else if (op instanceof StoreOp.Close c) {
                    boolean known = a.request(c.uuid()) != null || a.reply(c.uuid()) != null;
                    live -= a.remove(c.uuid());
                    if (known) {
                        count--;
                    }
                    results[i] = null;
                }
            }
            a.setBatch(next);
            a.commit();
        } catch (RuntimeException e) {
            try {
                a.rollback();
            } catch (RuntimeException ignored) {
                // the marker names A: it is restored from B on the next open
            }
            TitanicStoreException error = wrap(a, e);
            if (!commitFailing) {
                commitFailing = true; // logged once until a commit succeeds again
                LOG.error("Titanic store commit failed, batch refused: {}", error.getMessage());
            }
            writes.forEach(op -> op.future().completeExceptionally(error));
            return;
        }
        commitFailing = false;
        try {
            marker.write(CommitMarker.State.B_IN_DOUBT, next);
            for (int i = 0; i < writes.size(); i++) {
                StoreOp op = writes.get(i);
                if (op instanceof StoreOp.Submit s && records[i] != null) {
                    b.addRequest(s.uuid(), FrameCodec.seq(records[i]), records[i]);
                } else if (op instanceof StoreOp.Done d && records[i] != null) {
                    b.markDone(d.uuid(), records[i]);
                } else if (op instanceof StoreOp.Close c) {
                    b.remove(c.uuid());
                }
            }
            b.setBatch(next);
            b.commit();
        } catch (RuntimeException e) {
            // A holds the batch, B may not: refuse everything until a reopen restores B from A.
            failure = wrap(b, e);
            LOG.error("Titanic store failed; restart to repair it: {}", failure.getMessage());
            writes.forEach(op -> op.future().completeExceptionally(failure));
            return;
        }
        batch = next;
        lastSeq = seq;
        entries = count;
        liveBytes = live;
        commits.incrementAndGet();
        checkFileSize();
        for (int i = 0; i < writes.size(); i++) {
            complete(writes.get(i).future(), results[i]);
        }
    }

    /** A refusal for a limit; the first of a run is logged (an alarm), the rest only counted by the caller. */
    private TitanicStoreFullException full(String why) {
        if (!limitRaised) {
            limitRaised = true;
            LOG.warn("Titanic store refuses new requests: {}; clients get 500 until requests are closed", why);
        }
        return new TitanicStoreFullException(config.directory(), why);
    }

    @SuppressWarnings("unchecked")
    private static void complete(CompletableFuture<?> future, Object result) {
        if (result instanceof Throwable error) {
            future.completeExceptionally(error);
        } else {
            ((CompletableFuture<Object>) future).complete(result);
        }
    }

    private void checkFileSize() {
        fileSize = a.fileSize();
        if (fileSize <= config.fileSizeAlarmBytes()) {
            sizeAlarmRaised = false;
            return;
        }
        // Mostly garbage: compact. Not again until the live data has halved again or the file has doubled, so a
        // store whose minimum size is over the alarm does not compact on every commit.
        boolean worthIt = liveAtCompaction < 0 || liveBytes < liveAtCompaction / 2
                || fileSize >= 2 * sizeAfterCompaction;
        if (liveBytes < fileSize / 2 && worthIt) {
            LOG.warn("Titanic store file {} is {} bytes with {} live bytes: compacting", a.file(), fileSize,
                    liveBytes);
            try {
                compactNow();
            } catch (RuntimeException e) {
                return; // logged; the store now refuses writes until reopened
            }
            liveAtCompaction = liveBytes;
            sizeAfterCompaction = fileSize;
            if (fileSize <= config.fileSizeAlarmBytes()) {
                return;
            }
        }
        if (!sizeAlarmRaised) {
            sizeAlarmRaised = true;
            LOG.warn("Titanic store file {} is {} bytes, over the alarm of {} bytes, with {} live bytes in {} "
                    + "requests", a.file(), fileSize, config.fileSizeAlarmBytes(), liveBytes, entries);
        }
    }

    /**
     * Writes A's live data into a fresh file, swaps it in for A while the marker names A (B is complete), then
     * copies A over B while the marker names B. A crash at any point leaves one complete replica named as such.
     */
    private long compactNow() {
        if (failure != null) {
            throw failure;
        }
        Path dir = a.file().getParent();
        Path fresh = dir.resolve(StoreRecovery.COMPACT_FILE);
        long before = a.fileSize();
        try {
            Files.deleteIfExists(fresh);
            try (Replica target = Replica.create(fresh)) {
                a.copyInto(target);
                target.commit();
            }
            StoreRecovery.syncFile(fresh);
            marker.write(CommitMarker.State.A_IN_DOUBT, batch);
            a.close();
            Files.move(fresh, a.file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            StoreRecovery.syncDirectory(dir);
            a = Replica.open(a.file());
            marker.write(CommitMarker.State.B_IN_DOUBT, batch);
            b.close();
            StoreRecovery.restore(a.file(), b.file());
            b = Replica.open(b.file());
        } catch (IOException | RuntimeException e) {
            failure = e instanceof TitanicStoreException t ? t
                    : new TitanicStoreException(dir, "compaction failed: " + e, e);
            LOG.error("Titanic store failed during compaction; restart to repair it: {}", failure.getMessage());
            throw failure;
        }
        long after = a.fileSize();
        fileSize = after;
        LOG.info("Titanic store compacted: {} -> {} bytes per replica", before, after);
        return before - after;
    }

    private ReplyLookup readLookup(String uuid) {
        byte[] reply = a.reply(uuid);
        if (reply != null) {
            return new ReplyLookup(ReplyLookup.Status.DONE, FrameCodec.frames(reply));
        }
        return a.request(uuid) != null ? ReplyLookup.PENDING_LOOKUP : ReplyLookup.UNKNOWN_LOOKUP;
    }

    private Optional<StoredRequest> readWaiting(String uuid) {
        byte[] record = a.request(uuid);
        return record == null ? Optional.empty() : Optional.of(decode(uuid, record));
    }

    private List<StoredRequest> readPending(long fromSeq, int limit) {
        List<StoredRequest> out = new ArrayList<>(Math.min(limit, 1024));
        for (Map.Entry<Long, String> e : a.pendingFrom(fromSeq)) {
            if (out.size() >= limit) {
                break;
            }
            out.add(decode(e.getValue(), a.request(e.getValue())));
        }
        return out;
    }

    private static StoredRequest decode(String uuid, byte[] record) {
        List<byte[]> frames = FrameCodec.frames(record);
        return new StoredRequest(uuid, FrameCodec.seq(record), Frames.text(frames.get(0)),
                frames.subList(1, frames.size()));
    }

    private <T> void read(CompletableFuture<T> future, java.util.function.Supplier<T> reader) {
        try {
            future.complete(reader.get());
        } catch (RuntimeException e) {
            future.completeExceptionally(wrap(a, e));
        }
    }

    private static TitanicStoreException wrap(Replica replica, RuntimeException e) {
        if (e instanceof TitanicStoreException t) {
            return t;
        }
        return new TitanicStoreException(replica.file(), "store write failed: " + e, e);
    }
}
