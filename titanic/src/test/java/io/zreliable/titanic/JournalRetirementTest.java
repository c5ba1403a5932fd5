package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Eventually;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments are retired as the store goes, and requests that stay pending do not keep old segments alive. */
class JournalRetirementTest {
    private static final long SEGMENT = 16 * 1024;

    @TempDir
    Path dir;

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private long journalBytes() {
        try {
            long total = 0;
            for (Path segment : StoreFiles.segments(dir)) {
                total += Files.size(segment);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void longPendingRequestsDoNotPinSegmentsAndTheJournalStaysSmall() throws Exception {
        TitanicStoreConfig config = TitanicStoreConfig.builder(dir).segmentBytes(SEGMENT)
                .checkpointIntervalMillis(20).checkpointBytes(8 * 1024).build();
        List<String> longLived = new ArrayList<>();
        long written = 0;
        try (TitanicStore store = TitanicStore.open(config)) {
            for (int i = 0; i < 5; i++) {
                longLived.add(await(store.submit("slow", List.of(("kept-" + i).getBytes(StandardCharsets.UTF_8)))));
            }
            for (int i = 0; i < 3000; i++) {
                String uuid = await(store.submit("echo", List.of(new byte[300])));
                await(store.close(uuid));
                written += 2 * 400;
            }
            long live = 5 * 200;
            long bound = 2 * live + 4 * SEGMENT;
            Eventually.until("the journal to shrink below " + bound + " bytes", Duration.ofSeconds(60),
                    () -> journalBytes() <= bound, this::journalBytes);
            assertTrue(written > 20 * bound, "wrote " + written + " bytes, far more than the bound");
            // The first segments, where the long-lived requests were written, are gone.
            long firstSegment = Segment.numberOf(StoreFiles.segments(dir).get(0).getFileName().toString());
            assertTrue(firstSegment > 10, "oldest segment left is number " + firstSegment);
            assertEquals(longLived, await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
            System.out.printf("retirement: %d bytes journaled, %d bytes of journal left in %d segments, oldest "
                    + "segment %d%n", written, journalBytes(), StoreFiles.segments(dir).size(), firstSegment);
        }
        try (TitanicStore store = TitanicStore.open(config)) {
            List<StoredRequest> pending = await(store.pending(0, 100));
            assertEquals(longLived, pending.stream().map(StoredRequest::uuid).toList());
            for (int i = 0; i < pending.size(); i++) {
                assertArrayEquals(("kept-" + i).getBytes(StandardCharsets.UTF_8), pending.get(i).body().get(0));
            }
        }
        // The journal alone still holds them: without the state file they are rebuilt from it.
        Files.delete(dir.resolve(StateFile.FILE_NAME));
        try (TitanicStore store = TitanicStore.open(config)) {
            assertEquals(longLived, await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
        }
    }
}
