package io.zreliable.titanic;

import io.zreliable.common.Frames;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread of a {@link TitanicStore}. Each turn it takes every operation queued while the previous batch
 * was syncing, decides the writes (limits, sequence numbers), appends their records to the {@link Journal} with
 * one sync, applies them to the {@link LiveIndex} and the in-memory {@link Overlay}, completes their futures, then
 * answers the reads (overlay, then the {@link StateFile}, then the journal if the state file fails a checksum).
 *
 * <p>Off the request path, on a checkpoint thread: checkpoints (the sealed overlay applied to the state file,
 * which is committed and synced, then the checkpoint file), segment retirement and preparing the next segment.
 * A segment is retired once a checkpoint covers it; the live requests whose latest record is in it are first
 * copied forward (re-appended), so the journal alone always holds the whole state and no request pins a segment.
 * The oldest segment is retired when nothing in it is live, or when the journal is over twice its live bytes plus
 * two segments, which keeps the copying to at most about as much again as what is written.
 */
final class StoreEngine implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TitanicStore.class);
    private static final long POLL_MILLIS = 100;
    /** A batch stops taking operations once it carries this many bytes, so that it fits its segment. */
    private static final long MAX_BATCH_BYTES = 8L << 20;

    private record View(long seq, boolean done) {
    }

    private static final View GONE = new View(-1, false);

    private final TitanicStoreConfig config;
    private final Path dir;
    private final Journal journal;
    private final LiveIndex live;
    private final BlockingQueue<StoreOp> queue;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ExecutorService checkpointThread;
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong damagedReads = new AtomicLong();
    private final AtomicLong retiredSegments = new AtomicLong();
    private final FileStore fileStore;
    private volatile StateFile state;
    private volatile boolean spaceLow;
    private volatile boolean writeFailing;
    private volatile long usableBytes = Long.MAX_VALUE;
    private long usableAtFailure;
    /** Checkpoint thread only: what the checkpoint file says. */
    private CheckpointFile.Content checkpoint;
    // Writer thread only:
    private Overlay current;
    private volatile Overlay sealed;
    private CompletableFuture<?> checkpointInFlight;
    private CompletableFuture<?> retireInFlight;
    private long checkpointed;
    private long lastCheckpointNanos = System.nanoTime();
    private boolean checkpointFailing;
    /** A checkpoint failed: the state file may be torn, so it is rebuilt from the journal before the next one. */
    private boolean stateBroken;
    private boolean rebuildFailing;
    private boolean replicated;
    private boolean preparing;
    private boolean sizeAlarmRaised;
    private long liveAtRewrite = -1;

    StoreEngine(TitanicStoreConfig config, StoreOpener.Opened opened, BlockingQueue<StoreOp> queue) {
        this.config = config;
        this.dir = opened.journal().directory();
        this.journal = opened.journal();
        this.live = opened.live();
        this.state = opened.state();
        this.current = opened.overlay();
        this.checkpoint = opened.checkpoint();
        this.checkpointed = opened.checkpoint().applied();
        this.stateBroken = opened.state() == null;
        this.queue = queue;
        this.checkpointThread = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "titanic-checkpoint");
            thread.setDaemon(true);
            return thread;
        });
        FileStore store = null;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            LOG.warn("cannot watch the free space of {}: {}", dir, e.getMessage());
        }
        this.fileStore = store;
        refreshSpace();
    }

    Journal journal() {
        return journal;
    }

    long commitCount() {
        return journal.batches();
    }

    long syncCount() {
        return journal.syncs();
    }

    long checkpointCount() {
        return checkpoints.get();
    }

    long damagedReads() {
        return damagedReads.get();
    }

    long retiredSegments() {
        return retiredSegments.get();
    }

    int entries() {
        return live.size();
    }

    long liveBytes() {
        return live.liveBytes();
    }

    long diskBytes() {
        StateFile file = state;
        return journal.totalBytes() + (file == null ? 0 : file.fileSize());
    }

    /** False while new requests are refused for lack of disk space or because the journal cannot be written. */
    boolean hasSpace() {
        return !spaceLow && !writeFailing;
    }

    @Override
    public void run() {
        List<StoreOp> ops = new ArrayList<>();
        boolean running = true;
        while (running) {
            StoreOp first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            guarded("checkpoint results", this::runTasks);
            refreshSpace();
            if (first != null) {
                ops.add(first);
                long bytes = first.bytes();
                while (ops.size() < config.maxBatch() && bytes < MAX_BATCH_BYTES) {
                    StoreOp next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    ops.add(next);
                    bytes += next.bytes();
                }
                try {
                    running = process(ops);
                } catch (RuntimeException e) {
                    // Never a writer that is alive and deaf: whatever went wrong, every caller gets an answer.
                    LOG.error("Titanic store batch failed", e);
                    TitanicStoreException error = new TitanicStoreException(dir, "store batch failed: " + e, e);
                    ops.forEach(op -> op.future().completeExceptionally(error));
                    running = ops.stream().noneMatch(op -> op instanceof StoreOp.Stop);
                }
                ops.clear();
            }
            guarded("housekeeping", () -> housekeeping(false));
        }
        for (StoreOp op : queue) {
            op.future().completeExceptionally(new TitanicStoreException(dir, "store is closed"));
        }
    }

    /** After the writer ended: a last checkpoint, so that the next open replays nothing; then closes the files. */
    void closeFiles() {
        try {
            awaitCheckpointThread();
            if (!stateBroken && (!current.isEmpty() || sealed != null)) {
                startCheckpoint();
                awaitCheckpointThread();
            }
        } catch (RuntimeException e) {
            LOG.warn("Titanic store closed without a final checkpoint ({}); the journal holds everything",
                    e.getMessage());
        }
        checkpointThread.shutdown();
        try {
            checkpointThread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state != null) {
            state.close();
        }
        journal.close();
    }

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
            } else if (op instanceof StoreOp.Replicate replicate) {
                read(replicate.future(), () -> appendReplicated(replicate.records()));
            } else if (op instanceof StoreOp.Compact compact) {
                read(compact.future(), this::compactNow);
            } else if (op instanceof StoreOp.Stop stop) {
                stop.future().complete(null);
                running = false;
            }
        }
        return running;
    }

    // ---- writes ----

    private void commitBatch(List<StoreOp> writes) {
        Object[] results = new Object[writes.size()];
        int[] recordOf = new int[writes.size()];
        List<JournalRecord.Type> types = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        Map<String, View> touched = new HashMap<>();
        long seq = live.lastSeq();
        int count = live.size();
        long bytes = live.liveBytes();
        for (int i = 0; i < writes.size(); i++) {
            recordOf[i] = -1;
            StoreOp op = writes.get(i);
            if (op instanceof StoreOp.Submit s) {
                TitanicStoreFullException refusal = refusal(count, bytes, s.bytes());
                if (refusal != null) {
                    results[i] = refusal;
                    continue;
                }
                List<byte[]> frames = new ArrayList<>(s.body().size() + 1);
                frames.add(Frames.utf8(s.service()));
                frames.addAll(s.body());
                byte[] value = FrameCodec.encode(++seq, frames);
                recordOf[i] = add(types, payloads, seqs, JournalRecord.Type.REQUEST, s.uuid(), seq, value);
                touched.put(s.uuid(), new View(seq, false));
                count++;
                bytes += value.length;
                results[i] = s.uuid();
            } else if (op instanceof StoreOp.Done d) {
                View view = view(touched, d.uuid());
                if (view == null || view.done()) {
                    results[i] = Boolean.FALSE;
                    continue;
                }
                byte[] value = FrameCodec.encode(view.seq(), d.reply());
                recordOf[i] = add(types, payloads, seqs, JournalRecord.Type.REPLY, d.uuid(), view.seq(), value);
                touched.put(d.uuid(), new View(view.seq(), true));
                results[i] = Boolean.TRUE;
            } else if (op instanceof StoreOp.Close c) {
                View view = view(touched, c.uuid());
                results[i] = null;
                if (view != null) {
                    byte[] value = FrameCodec.encode(view.seq(), List.of());
                    recordOf[i] = add(types, payloads, seqs, JournalRecord.Type.CLOSE, c.uuid(), view.seq(), value);
                    touched.put(c.uuid(), GONE);
                    count--;
                }
            }
        }
        if (!types.isEmpty()) {
            List<JournalLocation> locations;
            try {
                locations = journal.append(types, payloads);
            } catch (TitanicStoreException e) {
                writeFailed(e);
                for (int i = 0; i < writes.size(); i++) {
                    complete(writes.get(i).future(), recordOf[i] >= 0 ? e : results[i]);
                }
                return;
            }
            writeSucceeded();
            for (int r = 0; r < locations.size(); r++) {
                applySynced(new JournalRecord(locations.get(r).index(), types.get(r), payloads.get(r)),
                        locations.get(r));
            }
        }
        for (int i = 0; i < writes.size(); i++) {
            complete(writes.get(i).future(), results[i]);
        }
    }

    private static int add(List<JournalRecord.Type> types, List<byte[]> payloads, List<Long> seqs,
            JournalRecord.Type type, String uuid, long seq, byte[] value) {
        types.add(type);
        payloads.add(JournalRecord.payload(uuid, value));
        seqs.add(seq);
        return types.size() - 1;
    }

    private View view(Map<String, View> touched, String uuid) {
        View view = touched.get(uuid);
        if (view != null) {
            return view == GONE ? null : view;
        }
        LiveIndex.Entry entry = live.get(uuid);
        return entry == null ? null : new View(entry.seq, entry.done);
    }

    private void applySynced(JournalRecord record, JournalLocation location) {
        live.apply(record, location);
        current.put(record.uuid(), new Overlay.Change(record.type(), record.seq(), record.value()));
    }

    private TitanicStoreFullException refusal(int count, long bytes, long requestBytes) {
        if (spaceLow) {
            return new TitanicStoreFullException(dir, "the disk has " + usableBytes + " bytes free, below the "
                    + "reserve of " + config.diskReserveBytes() + " bytes kept for replies and closes");
        }
        if (count >= config.maxEntries()) {
            return full("store holds " + count + " requests, the limit");
        }
        if (bytes + requestBytes > config.maxLiveBytes()) {
            return full("store holds " + bytes + " bytes, the limit is " + config.maxLiveBytes());
        }
        return null;
    }

    private boolean limitRaised;

    private TitanicStoreFullException full(String why) {
        if (!limitRaised) {
            limitRaised = true;
            LOG.warn("Titanic store refuses new requests: {}; clients get 500 until requests are closed", why);
        }
        return new TitanicStoreFullException(dir, why);
    }

    private void writeFailed(TitanicStoreException e) {
        usableAtFailure = usableBytes;
        if (!writeFailing) {
            writeFailing = true;
            LOG.error("Titanic store cannot write its journal: {}; new requests get 500, stored ones stay "
                    + "answerable, and writing resumes by itself once it succeeds again", e.getMessage());
        }
    }

    private void writeSucceeded() {
        if (writeFailing) {
            writeFailing = false;
            LOG.info("Titanic store writes its journal again");
        }
        limitRaised = false;
    }

    private void refreshSpace() {
        if (fileStore == null) {
            return;
        }
        try {
            usableBytes = fileStore.getUsableSpace();
        } catch (IOException e) {
            return;
        }
        boolean low = usableBytes < config.diskReserveBytes();
        if (low && !spaceLow) {
            LOG.warn("Titanic store refuses new requests: the disk holding {} has {} bytes free, below the reserve "
                    + "of {} bytes; clients get 500 and deliveries pause until space is freed", dir, usableBytes,
                    config.diskReserveBytes());
        } else if (!low && spaceLow) {
            LOG.info("Titanic store has {} bytes free again; taking new requests", usableBytes);
        }
        spaceLow = low;
        if (writeFailing && usableBytes > usableAtFailure + 64 * 1024) {
            writeFailing = false; // space was freed: let the next write try (it reports again if it fails)
        }
    }

    private long appendReplicated(List<JournalRecord> records) {
        if (records.isEmpty()) {
            return journal.lastIndex();
        }
        List<JournalLocation> locations;
        try {
            locations = journal.appendReplicated(records);
        } catch (TitanicStoreException e) {
            if (e.getCause() != null) {
                writeFailed(e);
            }
            throw e;
        }
        writeSucceeded();
        replicated = true;
        for (int i = 0; i < records.size(); i++) {
            applySynced(records.get(i), locations.get(i));
        }
        return journal.lastIndex();
    }

    // ---- reads ----

    private ReplyLookup readLookup(String uuid) {
        LiveIndex.Entry entry = live.get(uuid);
        if (entry == null) {
            return ReplyLookup.UNKNOWN_LOOKUP;
        }
        if (!entry.done) {
            return ReplyLookup.PENDING_LOOKUP;
        }
        return new ReplyLookup(ReplyLookup.Status.DONE, FrameCodec.frames(value(uuid, entry)));
    }

    private Optional<StoredRequest> readWaiting(String uuid) {
        LiveIndex.Entry entry = live.get(uuid);
        return entry == null || entry.done ? Optional.empty() : Optional.of(decode(uuid, value(uuid, entry)));
    }

    private List<StoredRequest> readPending(long fromSeq, int limit) {
        List<StoredRequest> out = new ArrayList<>(Math.min(limit, 1024));
        for (Map.Entry<Long, String> e : live.pendingFrom(fromSeq).entrySet()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(decode(e.getValue(), value(e.getValue(), live.get(e.getValue()))));
        }
        return out;
    }

    /**
     * The stored form of a live request or reply: from the overlay, else the state file (checksum verified),
     * else the journal (CRC verified), in which case the state file's copy is rewritten at the next checkpoint.
     */
    private byte[] value(String uuid, LiveIndex.Entry entry) {
        JournalRecord.Type wanted = entry.done ? JournalRecord.Type.REPLY : JournalRecord.Type.REQUEST;
        Overlay.Change change = current.get(uuid);
        if (change == null && sealed != null) {
            change = sealed.get(uuid);
        }
        if (change != null && change.type() == wanted) {
            return change.value();
        }
        StateFile file = state;
        if (file == null) {
            return journal.read(entry.location).value(); // being rebuilt: the journal serves everything meanwhile
        }
        String problem;
        try {
            byte[] value = entry.done ? file.reply(uuid) : file.request(uuid);
            if (value != null && FrameCodec.seq(value) == entry.seq) {
                return value;
            }
            problem = "state file " + state.file() + " does not hold " + wanted.name().toLowerCase() + " " + uuid;
        } catch (RuntimeException e) {
            problem = e.getMessage();
        }
        damagedReads.incrementAndGet();
        LOG.error("{}; serving it from the journal and rewriting it at the next checkpoint", problem);
        byte[] value = journal.read(entry.location).value();
        current.put(uuid, new Overlay.Change(wanted, entry.seq, value));
        return value;
    }

    private static StoredRequest decode(String uuid, byte[] value) {
        List<byte[]> frames = FrameCodec.frames(value);
        return new StoredRequest(uuid, FrameCodec.seq(value), Frames.text(frames.get(0)),
                frames.subList(1, frames.size()));
    }

    private <T> void read(CompletableFuture<T> future, java.util.function.Supplier<T> reader) {
        try {
            future.complete(reader.get());
        } catch (RuntimeException e) {
            future.completeExceptionally(e instanceof TitanicStoreException t ? t
                    : new TitanicStoreException(dir, "store read failed: " + e, e));
        }
    }

    @SuppressWarnings("unchecked")
    private static void complete(CompletableFuture<?> future, Object result) {
        if (result instanceof Throwable error) {
            future.completeExceptionally(error);
        } else {
            ((CompletableFuture<Object>) future).complete(result);
        }
    }

    // ---- checkpoints and retirement (started here, run on the checkpoint thread) ----

    /** Runs a step of the loop that must not end it: a failure is logged (once per message) and tried again. */
    private void guarded(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            String message = what + ": " + e;
            if (!message.equals(lastGuardedFailure)) {
                lastGuardedFailure = message;
                LOG.error("Titanic store {} failed; retrying on the next turn", what, e);
            }
        }
    }

    private String lastGuardedFailure;

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void housekeeping(boolean force) {
        if (stateBroken) {
            if (System.nanoTime() - lastCheckpointNanos >= TimeUnit.MILLISECONDS.toNanos(
                    config.checkpointIntervalMillis())) {
                rebuildStateFile();
            }
        } else if (checkpointInFlight == null) {
            long sinceLast = System.nanoTime() - lastCheckpointNanos;
            boolean due = current.bytes() >= config.checkpointBytes()
                    || (sinceLast >= TimeUnit.MILLISECONDS.toNanos(config.checkpointIntervalMillis())
                            && (!current.isEmpty() || sealed != null));
            if (due || force) {
                startCheckpoint();
            }
        } else if (current.bytes() >= 16 * config.checkpointBytes()) {
            // Writes outrun checkpoints: wait for this one rather than hold ever more in memory.
            awaitCheckpointThread();
        }
        if (retireInFlight == null) {
            retireOldest(force);
        }
        if (!preparing && journal.needsNext()) {
            preparing = true;
            checkpointThread.execute(() -> {
                try {
                    journal.prepareNext();
                } catch (RuntimeException e) {
                    LOG.warn("Titanic could not prepare the next journal segment: {}", e.getMessage());
                } finally {
                    post(() -> preparing = false);
                }
            });
        }
    }

    private void startCheckpoint() {
        Overlay batch = current;
        if (sealed != null) {
            batch.underlay(sealed);
        }
        sealed = batch;
        current = new Overlay();
        long upTo = journal.lastIndex();
        lastCheckpointNanos = System.nanoTime();
        StateFile target = state;
        checkpointInFlight = CompletableFuture.runAsync(() -> checkpointNow(target, batch, upTo), checkpointThread)
                .whenComplete((ok, error) -> post(() -> checkpointDone(batch, upTo, error)));
    }

    /** On the checkpoint thread: the state file catches up to {@code upTo}, then the checkpoint file says so. */
    private void checkpointNow(StateFile target, Overlay batch, long upTo) {
        if (checkpoint.state() == CheckpointFile.State.CLEAN) {
            checkpoint = checkpoint.with(CheckpointFile.State.APPLYING);
            CheckpointFile.write(dir, checkpoint);
        }
        target.apply(batch.changes(), upTo);
        target.commit();
        checkpoint = new CheckpointFile.Content(CheckpointFile.State.CLEAN, upTo, checkpoint.journalStart());
        CheckpointFile.write(dir, checkpoint);
    }

    private void checkpointDone(Overlay batch, long upTo, Throwable error) {
        checkpointInFlight = null;
        if (error != null) {
            stateBroken = true;
            if (!checkpointFailing) {
                checkpointFailing = true;
                LOG.error("Titanic checkpoint failed: {}; the journal holds everything, retrying",
                        io.zreliable.common.Futures.cause(error).toString());
            }
            return;
        }
        if (checkpointFailing) {
            checkpointFailing = false;
            LOG.info("Titanic checkpoints succeed again");
        }
        if (sealed == batch) {
            sealed = null;
        }
        checkpointed = upTo;
        checkpoints.incrementAndGet();
        checkStateFileSize();
    }

    /**
     * Retires the oldest segment if a checkpoint covers it and it is worth it (nothing live in it, or the journal is
     * over twice its live bytes plus two segments, or {@code force}), copying its live records forward first.
     */
    private void retireOldest(boolean force) {
        List<Segment> segments = journal.segments();
        Segment oldest = segments.get(0);
        if (oldest.number() >= journal.currentSegment() || oldest.lastIndex() > checkpointed) {
            return;
        }
        long liveIn = live.liveBytesIn(oldest.number());
        boolean worth = liveIn == 0 || force
                || journal.totalBytes() > 2 * live.liveJournalBytes() + 2 * config.segmentBytes();
        if (!worth || (liveIn > 0 && replicated)) {
            return; // a replica's journal follows its source's indexes: it cannot append copies of its own
        }
        if (liveIn > 0 && !copyForward(oldest.number())) {
            return;
        }
        long next = oldest.number() + 1;
        long newStart = journal.segment(next).firstIndex();
        retireInFlight = CompletableFuture.supplyAsync(() -> {
            checkpoint = new CheckpointFile.Content(checkpoint.state(), checkpoint.applied(), newStart);
            CheckpointFile.write(dir, checkpoint);
            return journal.retireBefore(next);
        }, checkpointThread).whenComplete((freed, error) -> post(() -> {
            retireInFlight = null;
            if (error != null) {
                LOG.error("Titanic could not retire journal segment {}: {}", oldest.file(),
                        io.zreliable.common.Futures.cause(error).getMessage());
                return;
            }
            live.forgetSegment(oldest.number());
            retiredSegments.incrementAndGet();
            LOG.debug("Titanic retired journal segment {} ({} bytes)", oldest.file(), freed);
        }));
    }

    /** Re-appends the latest record of every request still live in {@code segment}; false if that failed. */
    private boolean copyForward(long segment) {
        List<JournalRecord.Type> types = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        for (String uuid : live.liveIn(segment)) {
            LiveIndex.Entry entry = live.get(uuid);
            types.add(entry.done ? JournalRecord.Type.REPLY : JournalRecord.Type.REQUEST);
            payloads.add(JournalRecord.payload(uuid, value(uuid, entry)));
        }
        List<JournalLocation> locations;
        try {
            locations = journal.append(types, payloads);
        } catch (TitanicStoreException e) {
            writeFailed(e);
            return false;
        }
        writeSucceeded();
        for (int i = 0; i < locations.size(); i++) {
            live.apply(new JournalRecord(locations.get(i).index(), types.get(i), payloads.get(i)),
                    locations.get(i));
        }
        return true;
    }

    private void post(Runnable task) {
        tasks.add(task);
    }

    /** Waits for the checkpoint thread's current work and applies its outcome (compaction and close only). */
    private void awaitCheckpointThread() {
        for (CompletableFuture<?> inFlight : new CompletableFuture<?>[] {checkpointInFlight, retireInFlight}) {
            if (inFlight != null) {
                try {
                    inFlight.get(5, TimeUnit.MINUTES);
                } catch (Exception e) {
                    // reported by the task's own completion
                }
            }
        }
        runTasks();
    }

    /**
     * After a failed checkpoint: deletes the state file, which may be torn (freeing its space), and writes a new
     * one from the journal and the overlays, never from the old file. Until that succeeds reads are served from the
     * journal; the checkpoint file still says APPLYING, so a crash meanwhile rebuilds on open.
     */
    private void rebuildStateFile() {
        awaitCheckpointThread();
        lastCheckpointNanos = System.nanoTime();
        Path file = dir.resolve(StateFile.FILE_NAME);
        if (state != null) {
            state.close();
            state = null;
        }
        StateFile fresh = null;
        try {
            Files.deleteIfExists(file);
            fresh = StateFile.create(file);
            for (Map.Entry<String, LiveIndex.Entry> e : live.entries().entrySet()) {
                LiveIndex.Entry entry = e.getValue();
                JournalRecord.Type type = entry.done ? JournalRecord.Type.REPLY : JournalRecord.Type.REQUEST;
                fresh.put(e.getKey(), new Overlay.Change(type, entry.seq, journal.read(entry.location).value()));
            }
            long upTo = journal.lastIndex();
            fresh.apply(Map.of(), upTo);
            fresh.commit();
            CompletableFuture.runAsync(() -> {
                checkpoint = new CheckpointFile.Content(CheckpointFile.State.CLEAN, upTo, checkpoint.journalStart());
                CheckpointFile.write(dir, checkpoint);
            }, checkpointThread).get(5, TimeUnit.MINUTES);
            state = fresh;
            sealed = null;
            current = new Overlay();
            checkpointed = upTo;
            stateBroken = false;
            checkpointFailing = false;
            rebuildFailing = false;
            LOG.info("Titanic state file {} rebuilt from the journal; checkpoints resume", file);
        } catch (Exception e) {
            if (fresh != null) {
                fresh.close();
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // retried with the next rebuild
            }
            if (!rebuildFailing) {
                rebuildFailing = true;
                LOG.warn("Titanic could not rebuild the state file yet ({}); serving from the journal and retrying "
                        + "every {} ms", e.toString(), config.checkpointIntervalMillis());
            }
        }
    }

    /** Checkpoint, retire every covered segment, rewrite the state file with only its live data. */
    private long compactNow() {
        if (stateBroken) {
            throw new TitanicStoreException(dir, "cannot compact now: the state file is being rebuilt after a "
                    + "failed checkpoint");
        }
        long before = diskBytes();
        awaitCheckpointThread();
        journal.rotate();
        startCheckpoint();
        awaitCheckpointThread();
        if (checkpointFailing) {
            throw new TitanicStoreException(dir, "compaction stopped: the checkpoint failed (see the error logged)");
        }
        while (true) {
            long retired = retiredSegments.get();
            retireOldest(true);
            awaitCheckpointThread();
            if (retiredSegments.get() == retired) {
                break;
            }
        }
        rewriteStateFile();
        long after = diskBytes();
        LOG.info("Titanic store compacted: {} -> {} bytes on disk", before, after);
        return before - after;
    }

    /** A state file over the size alarm with less than half of it live is rewritten (on the writer thread). */
    private void checkStateFileSize() {
        long size = state.fileSize();
        if (size <= config.fileSizeAlarmBytes()) {
            sizeAlarmRaised = false;
            return;
        }
        boolean worthIt = liveAtRewrite < 0 || live.liveBytes() < liveAtRewrite / 2;
        if (live.liveBytes() < size / 2 && worthIt && checkpointInFlight == null) {
            LOG.warn("Titanic state file {} is {} bytes with {} live bytes: rewriting it", state.file(), size,
                    live.liveBytes());
            rewriteStateFile();
            liveAtRewrite = live.liveBytes();
            if (state.fileSize() <= config.fileSizeAlarmBytes()) {
                return;
            }
        }
        if (!sizeAlarmRaised) {
            sizeAlarmRaised = true;
            LOG.warn("Titanic state file {} is {} bytes, over the alarm of {} bytes, with {} live bytes in {} "
                    + "requests", state.file(), state.fileSize(), config.fileSizeAlarmBytes(), live.liveBytes(),
                    live.size());
        }
    }

    /**
     * Writes the live data into a fresh state file and swaps it in (MapDB reuses freed space but never shrinks a
     * file). Needs every change checkpointed and the checkpoint thread idle; a crash leaves the old file, still
     * complete, and a leftover that the next open deletes.
     */
    private void rewriteStateFile() {
        awaitCheckpointThread();
        if (!current.isEmpty() || sealed != null) {
            startCheckpoint();
            awaitCheckpointThread();
        }
        if (sealed != null) {
            throw new TitanicStoreException(state.file(), "cannot rewrite the state file: a checkpoint failed");
        }
        Path target = state.file();
        Path fresh = target.resolveSibling(StateFile.FILE_NAME + ".new");
        try (StateFile copy = StateFile.create(fresh)) {
            for (Map.Entry<String, LiveIndex.Entry> e : live.entries().entrySet()) {
                LiveIndex.Entry entry = e.getValue();
                copy.put(e.getKey(), new Overlay.Change(entry.done ? JournalRecord.Type.REPLY
                        : JournalRecord.Type.REQUEST, entry.seq, value(e.getKey(), entry)));
            }
            copy.apply(Map.of(), checkpointed);
            copy.commit();
        }
        state.close();
        try {
            Files.move(fresh, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Directories.sync(dir);
        } catch (IOException e) {
            state = StateFile.open(target);
            throw new TitanicStoreException(target, "cannot swap in the rewritten state file: " + e.getMessage(), e);
        }
        state = StateFile.open(target);
    }
}
