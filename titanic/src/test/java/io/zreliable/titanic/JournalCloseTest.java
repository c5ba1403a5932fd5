package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zreliable.common.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After close, no file of the journal or the store is held open: checked in /proc/self/fd, while the checkpoint
 * thread's preparation of the next segment races the writer switching to it.
 */
class JournalCloseTest {
    private static final long SEGMENT_BYTES = 4096;

    @TempDir
    Path tmp;

    @BeforeEach
    void needsProcFd() {
        assumeTrue(OpenFiles.visible(), "skipped: /proc/self/fd is not available on this platform");
    }

    @Test
    void preparingTheNextSegmentWhileTheWriterSwitchesToItLeavesNothingOpen() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        for (int round = 0; round < 300; round++) {
            Path dir = Files.createDirectories(tmp.resolve("journal-" + round));
            Journal journal = new Journal(dir, List.of(), 0, SEGMENT_BYTES);
            try {
                while (journal.segment(journal.currentSegment()).size() < SEGMENT_BYTES) {
                    appendOne(journal);
                }
                // Both threads now make segment 2: the checkpoint thread ahead of need, the writer because it must.
                CompletableFuture<Void> prepared = CompletableFuture.runAsync(() -> {
                    await(start);
                    journal.prepareNext();
                });
                await(start);
                appendOne(journal);
                prepared.get(30, TimeUnit.SECONDS);
                assertEquals(2, journal.currentSegment(), "round " + round);
                JournalLocation written = appendOne(journal);
                assertEquals(journal.lastIndex(), journal.read(written).index(), "round " + round);
            } finally {
                journal.close();
            }
            assertEquals(List.of(), OpenFiles.under(dir), "held after close in round " + round);
        }
    }

    @Test
    void aStoreOpenedWrittenRotatedAndClosedAgainAndAgainHoldsNoFileAfterClose() throws Exception {
        Path dir = tmp.resolve("store");
        TitanicStoreConfig config = TitanicStoreConfig.builder(dir).segmentBytes(16 * 1024)
                .checkpointBytes(16 * 1024).build();
        byte[] body = new byte[2048];
        for (int round = 0; round < 40; round++) {
            try (TitanicStore store = TitanicStore.open(config)) {
                String last = null;
                for (int i = 0; i < 20; i++) {
                    last = store.submit("echo", List.of(body, Frames.utf8("r" + round + "-" + i)))
                            .get(30, TimeUnit.SECONDS);
                    if (i % 7 == 6) {
                        store.compact().get(30, TimeUnit.SECONDS); // rotates and retires segments
                    }
                }
                assertTrue(store.storeReply(last, List.of(Frames.utf8("done"))).get(30, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), OpenFiles.under(dir), "held after close in round " + round);
        }
        try (TitanicStore store = TitanicStore.open(config)) {
            assertEquals(40 * 20, store.entries());
        }
    }

    private static JournalLocation appendOne(Journal journal) {
        byte[] payload = JournalRecord.payload(Uuids.generate(), Frames.utf8("x".repeat(400)));
        return journal.append(List.of(JournalRecord.Type.REQUEST), List.of(payload)).get(0);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
