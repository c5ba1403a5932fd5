package io.zreliable.titanic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a store directory: reads the checkpoint, scans the journal from the start the checkpoint names (checking
 * every record; a torn tail is cut off, anything else wrong is an error naming file and offset), rebuilds the
 * live index from it and keeps the records after the checkpoint in memory, then opens the state file and checks
 * every value's checksum. A state file that is damaged, missing, or was being written when the process died is
 * rebuilt from the journal, which always holds the whole state. Called with the directory lock held.
 */
final class StoreOpener {
    private static final Logger LOG = LoggerFactory.getLogger(TitanicStore.class);
    /** Files of the earlier two-replica store, which this version does not read. */
    private static final String[] OLD_FORMAT = {"titanic-a.db", "titanic-b.db", "titanic.marker"};

    /** What was opened; {@code state} is null when the state file could not be rebuilt yet (no space). */
    record Opened(Journal journal, StateFile state, LiveIndex live, Overlay overlay,
            CheckpointFile.Content checkpoint) {
    }

    private StoreOpener() {
    }

    static Opened open(TitanicStoreConfig config, Path dir) {
        for (String old : OLD_FORMAT) {
            if (Files.exists(dir.resolve(old))) {
                throw new TitanicStoreException(dir.resolve(old), "store was written by an older Titanic (two "
                        + "replicas and a marker), which this version cannot read; drain it with the older version "
                        + "or use a new store directory");
            }
        }
        Path stateFile = dir.resolve(StateFile.FILE_NAME);
        deleteIfExists(dir.resolve(StateFile.FILE_NAME + ".new"));
        deleteIfExists(dir.resolve(CheckpointFile.FILE_NAME + ".tmp"));
        CheckpointFile.Content checkpoint = CheckpointFile.read(dir);
        if (checkpoint == null) {
            if (!JournalScan.segmentFiles(dir).isEmpty() || Files.exists(stateFile)) {
                throw new TitanicStoreException(CheckpointFile.path(dir), "store directory holds a journal or state "
                        + "file but no checkpoint; not a complete Titanic store");
            }
            checkpoint = new CheckpointFile.Content(CheckpointFile.State.CLEAN, 0, 1);
            StateFile.create(stateFile).close();
            CheckpointFile.write(dir, checkpoint);
        }
        LiveIndex live = new LiveIndex();
        Overlay replayed = new Overlay();
        long applied = checkpoint.applied();
        JournalScan.Result scan = JournalScan.scan(dir, checkpoint.journalStart(), applied,
                CheckpointFile.path(dir), (record, location) -> {
                    live.apply(record, location);
                    if (record.index() > applied) {
                        replayed.put(record.uuid(), new Overlay.Change(record.type(), record.seq(), record.value()));
                    }
                });
        Journal journal = new Journal(dir, scan.segments(), scan.lastIndex(), config.segmentBytes());
        Overlay overlay = replayed;
        try {
            StateFile state = openState(stateFile, checkpoint);
            if (state == null) {
                try {
                    state = rebuild(stateFile, journal, live);
                    checkpoint = new CheckpointFile.Content(CheckpointFile.State.CLEAN, journal.lastIndex(),
                            checkpoint.journalStart());
                    CheckpointFile.write(dir, checkpoint);
                    overlay = new Overlay();
                } catch (TitanicStoreException e) {
                    // Opening must not need more space than the journal's next segment: serve from the journal
                    // and rebuild the state file once there is room.
                    LOG.warn("Titanic cannot rebuild the state file now ({}); serving from the journal and "
                            + "retrying", e.getMessage());
                    deleteIfExists(stateFile);
                    checkpoint = checkpoint.with(CheckpointFile.State.APPLYING);
                }
            }
            LOG.info("Titanic store open in {}: {} stored requests, {} live bytes, journal {}..{}, {} records "
                    + "replayed after the checkpoint", dir, live.size(), live.liveBytes(), journal.firstIndex(),
                    journal.lastIndex(), journal.lastIndex() - applied);
            return new Opened(journal, state, live, overlay, checkpoint);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /** The state file if it is intact and at the checkpoint's index; null (logged) if it must be rebuilt. */
    private static StateFile openState(Path file, CheckpointFile.Content checkpoint) {
        if (checkpoint.state() == CheckpointFile.State.APPLYING) {
            LOG.warn("Titanic state file {} was being checkpointed when the store stopped; rebuilding it from the "
                    + "journal", file);
            return null;
        }
        StateFile state = null;
        try {
            state = StateFile.open(file);
            state.verify();
            if (state.applied() != checkpoint.applied()) {
                throw new StateFile.DamagedException(file, "state file holds the journal up to index "
                        + state.applied() + " but the checkpoint says " + checkpoint.applied());
            }
            return state;
        } catch (StateFile.DamagedException e) {
            if (state != null) {
                state.close();
            }
            LOG.error("{}; rebuilding it from the journal", e.getMessage());
            return null;
        }
    }

    /** A new state file holding every live request and reply, read (CRC-checked) from the journal. */
    private static StateFile rebuild(Path file, Journal journal, LiveIndex live) {
        StateFile state = StateFile.create(file);
        try {
            rebuildInto(state, journal, live);
            return state;
        } catch (RuntimeException e) {
            state.close();
            throw e instanceof TitanicStoreException t ? t
                    : new TitanicStoreException(file, "cannot rebuild the state file: " + e, e);
        }
    }

    private static void rebuildInto(StateFile state, Journal journal, LiveIndex live) {
        for (Map.Entry<String, LiveIndex.Entry> e : live.entries().entrySet()) {
            JournalRecord record = journal.read(e.getValue().location);
            state.put(e.getKey(), new Overlay.Change(record.type(), record.seq(), record.value()));
        }
        state.apply(Map.of(), journal.lastIndex());
        state.commit();
        LOG.info("Titanic state file {} rebuilt from the journal: {} requests", state.file(), live.size());
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot delete: " + e.getMessage(), e);
        }
    }
}
