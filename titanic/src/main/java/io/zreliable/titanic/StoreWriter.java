package io.zreliable.titanic;

import io.zreliable.common.Frames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread of a {@link TitanicStore}: takes every queued operation, applies the writes to replica A,
 * commits, names B in the marker, completes the writes' futures (A on disk is the source of any repair now), applies
 * the same to replica B and commits it, then answers the reads from committed state. It also enforces the limits,
 * raises the alarms and compacts. Owns the replicas and the marker while it runs; the counters are readable from any thread.
 */
final class StoreWriter implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TitanicStore.class);

    private final TitanicStoreConfig config;
    private final CommitMarker marker;
    private final BlockingQueue<StoreOp> queue;
    private final AtomicLong commits = new AtomicLong();
    private volatile int entries;
    private volatile long liveBytes;
    private volatile long fileSize;
    /** Set when a replica could not be committed: the store refuses writes until it is reopened (and repaired). */
    private volatile TitanicStoreException failure;
    // Writer thread only (and the closing thread once the writer has ended):
    private Replica a;
    private Replica b;
    private long batch;
    private long lastSeq;
    private boolean sizeAlarmRaised;
    private boolean limitRaised;
    private boolean commitFailing;
    private long liveAtCompaction = -1;
    private long sizeAfterCompaction;

    StoreWriter(TitanicStoreConfig config, CommitMarker marker, StoreRecovery.Opened opened,
            BlockingQueue<StoreOp> queue) {
        this.config = config;
        this.marker = marker;
        this.queue = queue;
        this.a = opened.a();
        this.b = opened.b();
        this.batch = opened.stats().batch();
        this.lastSeq = opened.stats().lastSeq();
        this.entries = opened.stats().requests() + opened.stats().replies();
        this.liveBytes = opened.stats().liveBytes();
        this.fileSize = a.fileSize();
    }

    long commitCount() {
        return commits.get();
    }

    int entries() {
        return entries;
    }

    long liveBytes() {
        return liveBytes;
    }

    long fileSize() {
        return fileSize;
    }

    /** After the writer thread ended: closes the replicas and, unless a commit failed, marks the store clean. */
    void closeFiles() {
        a.close();
        b.close();
        if (failure == null) {
            marker.write(CommitMarker.State.CLEAN, batch);
        }
    }

    @Override
    public void run() {
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
        boolean changed = false;
        InDoubt inDoubtA = new InDoubt(CommitMarker.State.A_IN_DOUBT, next);
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
                    inDoubtA.name();
                    a.addRequest(s.uuid(), seq, records[i]);
                    changed = true;
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
                    inDoubtA.name();
                    a.markDone(d.uuid(), records[i]);
                    changed = true;
                    live += records[i].length - request.length;
                    results[i] = Boolean.TRUE;
                } else if (op instanceof StoreOp.Close c) {
                    boolean known = a.request(c.uuid()) != null || a.reply(c.uuid()) != null;
                    if (known) {
                        inDoubtA.name();
                        live -= a.remove(c.uuid());
                        count--;
                        changed = true;
                    }
                    results[i] = null;
                }
            }
            if (!changed) {
                // Refusals and no-ops only: nothing was written to A, so nothing to commit.
                for (int i = 0; i < writes.size(); i++) {
                    complete(writes.get(i).future(), results[i]);
                }
                return;
            }
            a.setBatch(next);
            a.commit();
        } catch (RuntimeException e) {
            TitanicStoreException error = wrap(a, e);
            if (inDoubtA.named) {
                // A may hold part of the batch (no rollback without MapDB's log): refuse everything until a reopen
                // restores A from B, which the marker names as the complete one.
                failure = error;
                LOG.error("Titanic store failed; restart to repair it: {}", error.getMessage());
                writes.forEach(op -> op.future().completeExceptionally(error));
                return;
            }
            if (!commitFailing) {
                commitFailing = true; // logged once until a commit succeeds again
                LOG.error("Titanic store commit failed, batch refused: {}", error.getMessage());
            }
            writes.forEach(op -> op.future().completeExceptionally(error));
            return;
        }
        commitFailing = false;
        try {
            // A is committed; from here on B is written and A is the complete one until B's commit.
            marker.write(CommitMarker.State.B_IN_DOUBT, next);
        } catch (RuntimeException e) {
            // The marker still names A, which a reopen would replace with B (without this batch): not acknowledged.
            failure = wrap(a, e);
            LOG.error("Titanic store failed; restart to repair it: {}", failure.getMessage());
            writes.forEach(op -> op.future().completeExceptionally(failure));
            return;
        }
        batch = next;
        lastSeq = seq;
        entries = count;
        liveBytes = live;
        commits.incrementAndGet();
        fileSize = a.fileSize();
        // Acknowledged now: A holds the batch on disk and the marker makes A the source of any repair. Answering
        // before B is written lets the callers' next requests travel while B is written, so they join the next batch.
        for (int i = 0; i < writes.size(); i++) {
            complete(writes.get(i).future(), results[i]);
        }
        try {
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
            return;
        }
        checkFileSize();
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
            Files.move(fresh, a.file(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
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

    private <T> void read(CompletableFuture<T> future, Supplier<T> reader) {
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

    /** Names a replica in the marker (fsync'd) once, before the first write of a batch touches it. */
    private final class InDoubt {
        private final CommitMarker.State state;
        private final long batchNumber;
        boolean named;

        InDoubt(CommitMarker.State state, long batchNumber) {
            this.state = state;
            this.batchNumber = batchNumber;
        }

        void name() {
            if (!named) {
                marker.write(state, batchNumber);
                named = true;
            }
        }
    }
}
