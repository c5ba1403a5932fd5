package io.zreliable.titanic;

import static io.zreliable.titanic.StoreFiles.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a journaled store: a torn tail is cut off, everything else that is wrong is a clear error. */
class JournalRecoveryTest {
    @TempDir
    Path tmp;

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static TitanicStoreException openFails(Path dir) {
        return assertThrows(TitanicStoreException.class, () -> TitanicStore.open(TitanicStoreConfig.of(dir)));
    }

    /** Every acknowledged write of the child is there, except for the requests listed as dropped. */
    private static void assertHolds(TitanicStore store, StoreFiles.Acked acked, String dropped) throws Exception {
        for (String uuid : acked.uuids) {
            ReplyLookup lookup = await(store.lookup(uuid));
            if (uuid.equals(dropped) || acked.closed.contains(uuid)) {
                assertEquals(ReplyLookup.Status.UNKNOWN, lookup.status(), uuid);
            } else if (acked.replies.containsKey(uuid)) {
                assertEquals(ReplyLookup.Status.DONE, lookup.status(), uuid);
                assertEquals(acked.replies.get(uuid), new String(lookup.reply().get(0), StandardCharsets.UTF_8));
            } else {
                assertEquals(ReplyLookup.Status.PENDING, lookup.status(), uuid);
                assertEquals("request-" + acked.ids.get(uuid),
                        new String(await(store.waiting(uuid)).orElseThrow().body().get(0), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void tornTailAtEveryByteOffsetOfTheLastRecordDropsOnlyThatRecord() throws Exception {
        Path base = tmp.resolve("base");
        StoreFiles.Acked acked = StoreFiles.killedAfterWriting(base, 12, 1 << 20);
        List<Path> segments = StoreFiles.segments(base);
        Path last = segments.get(segments.size() - 1);
        List<Long> offsets = StoreFiles.recordOffsets(last);
        long lastStart = offsets.get(offsets.size() - 2);
        long end = offsets.get(offsets.size() - 1);
        String lastRequest = acked.uuids.get(acked.uuids.size() - 1); // the child's last write is a submit
        for (long cut = lastStart; cut < end; cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            StoreFiles.copyStore(base, dir);
            StoreFiles.truncate(dir.resolve(last.getFileName()), cut);
            try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
                assertHolds(store, acked, lastRequest);
                assertEquals(offsets.size() - 2, StoreFiles.recordOffsets(dir.resolve(last.getFileName())).size() - 1,
                        "torn record cut off");
            }
            StoreFiles.deleteTree(dir);
        }
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(base))) {
            assertHolds(store, acked, null);
        }
        System.out.printf("torn tail: %d cut points in the last record (%d bytes), each reopened without it%n",
                end - lastStart, end - lastStart);
    }

    @Test
    void flippedByteInAMiddleRecordIsAnErrorNamingFileAndOffset() throws Exception {
        Path base = tmp.resolve("base");
        StoreFiles.killedAfterWriting(base, 80, 4096);
        List<Path> segments = StoreFiles.segments(base);
        assertTrue(segments.size() >= 3, "wanted several segments, got " + segments.size());

        Path middleCase = tmp.resolve("middle-segment");
        StoreFiles.copyStore(base, middleCase);
        Path middle = middleCase.resolve(segments.get(1).getFileName());
        long offset = StoreFiles.recordOffsets(middle).get(2);
        StoreFiles.flip(middle, offset + JournalFormat.RECORD_HEADER + 40);
        assertMentions(openFails(middleCase), middle.getFileName().toString(), "byte offset " + offset, "CRC");

        Path lastCase = tmp.resolve("last-segment");
        StoreFiles.copyStore(base, lastCase);
        Path last = lastCase.resolve(segments.get(segments.size() - 1).getFileName());
        List<Long> offsets = StoreFiles.recordOffsets(last);
        assertTrue(offsets.size() >= 4, "last segment has " + (offsets.size() - 1) + " records");
        long inside = offsets.get(1);
        StoreFiles.flip(last, inside + JournalFormat.RECORD_HEADER + 3);
        assertMentions(openFails(lastCase), last.getFileName().toString(), "byte offset " + inside,
                "more data after it");
    }

    @Test
    void deletedMiddleSegmentIsAnErrorNamingIt() throws Exception {
        Path dir = tmp.resolve("store");
        StoreFiles.killedAfterWriting(dir, 80, 4096);
        List<Path> segments = StoreFiles.segments(dir);
        Files.delete(segments.get(1));
        assertMentions(openFails(dir), segments.get(1).getFileName().toString(), "missing", "byte offset");
    }

    @Test
    void checkpointBeyondTheJournalsEndIsAnError() throws Exception {
        Path dir = tmp.resolve("store");
        long last;
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < 5; i++) {
                await(store.submit("echo", List.of(new byte[] {(byte) i})));
            }
            last = store.lastIndex();
        }
        CheckpointFile.Content checkpoint = CheckpointFile.read(dir);
        CheckpointFile.write(dir, new CheckpointFile.Content(CheckpointFile.State.CLEAN, last + 10,
                checkpoint.journalStart()));
        TitanicStoreException e = openFails(dir);
        assertMentions(e, CheckpointFile.FILE_NAME, "index " + (last + 10), "ends at index " + last, "byte offset");
    }

    @Test
    void changedByteInAJournaledBodyIsNeverServed() throws Exception {
        Path dir = tmp.resolve("store");
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < 10; i++) {
                await(store.submit("echo", List.of(("body-number-" + i).getBytes(StandardCharsets.UTF_8))));
            }
        }
        Path segment = StoreFiles.segments(dir).get(0);
        long at = StoreFiles.find(segment, "body-number-4");
        StoreFiles.flip(segment, at + 5);
        assertMentions(openFails(dir), segment.getFileName().toString(), "byte offset", "CRC");
    }

    @Test
    void changedByteInTheStateFileIsRebuiltFromTheJournal() throws Exception {
        Path dir = tmp.resolve("store");
        List<String> uuids = new ArrayList<>();
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < 10; i++) {
                uuids.add(await(store.submit("echo", List.of(("stored-body-" + i).getBytes(StandardCharsets.UTF_8)))));
            }
            assertTrue(await(store.storeReply(uuids.get(3), List.of("the-reply-3".getBytes(StandardCharsets.UTF_8)))));
        }
        Path state = dir.resolve(StateFile.FILE_NAME);
        for (String text : new String[] {"stored-body-7", "the-reply-3"}) {
            long at = StoreFiles.find(state, text);
            assertTrue(at >= 0, text + " not found in the state file");
            StoreFiles.flip(state, at + 2);
        }
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertArrayEquals("stored-body-7".getBytes(StandardCharsets.UTF_8),
                    await(store.waiting(uuids.get(7))).orElseThrow().body().get(0));
            assertArrayEquals("the-reply-3".getBytes(StandardCharsets.UTF_8),
                    await(store.lookup(uuids.get(3))).reply().get(0));
        }
        assertEquals(-1, StoreFiles.find(state, "sTored-body-7"), "state file rewritten");
    }

    @Test
    void missingOrInterruptedStateFileIsRebuiltFromTheJournal() throws Exception {
        Path dir = tmp.resolve("store");
        List<String> uuids = new ArrayList<>();
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < 10; i++) {
                uuids.add(await(store.submit("echo", List.of(new byte[] {(byte) i}))));
            }
        }
        Files.delete(dir.resolve(StateFile.FILE_NAME));
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(uuids, await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
        }
        // As if killed while a checkpoint wrote the state file: it may be torn, so it is rebuilt.
        CheckpointFile.write(dir, CheckpointFile.read(dir).with(CheckpointFile.State.APPLYING));
        StoreFiles.flip(dir.resolve(StateFile.FILE_NAME), 100);
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(uuids, await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
        }
    }

    @Test
    void filesThatAreNotACompleteStoreAreReported() throws Exception {
        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("titanic-a.db"), "an older store");
        assertMentions(openFails(old), "titanic-a.db", "older Titanic");

        Path noCheckpoint = tmp.resolve("no-checkpoint");
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(noCheckpoint))) {
            await(store.submit("echo", List.of(new byte[] {1})));
        }
        Files.delete(CheckpointFile.path(noCheckpoint));
        assertMentions(openFails(noCheckpoint), CheckpointFile.FILE_NAME, "no checkpoint");

        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        TitanicStore.open(TitanicStoreConfig.of(foreign)).close();
        Files.writeString(foreign.resolve(Segment.fileName(1)), "x".repeat(100));
        assertMentions(openFails(foreign), Segment.fileName(1), "byte offset 0");
    }

    @Test
    void storeLockedByAnotherProcessGivesClearError() throws Exception {
        Path dir = tmp.resolve("store");
        try (ChildJvm child = ChildJvm.start(StoreChild.class, "hold", dir.toString())) {
            assertTrue(child.awaitLine("READY", 60_000), "child did not open the store");
            TitanicStoreException e = openFails(dir);
            assertMentions(e, "locked by another process", StoreLock.FILE_NAME);
            child.closeStdin();
            assertTrue(child.waitFor(30_000), "child did not stop");
        }
        TitanicStore.open(TitanicStoreConfig.of(dir)).close();
    }
}
