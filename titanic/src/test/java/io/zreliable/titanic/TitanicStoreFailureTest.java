package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stores that cannot be opened give a clear error naming the file; a store left in doubt is repaired. */
class TitanicStoreFailureTest {
    @TempDir
    Path dir;

    private List<String> fill(int count) throws Exception {
        List<String> uuids = new ArrayList<>();
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < count; i++) {
                uuids.add(store.submit("echo", List.of(("r" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS));
            }
        }
        return uuids;
    }

    private static void overwrite(Path file, long offset, int length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            byte[] junk = new byte[length];
            java.util.Arrays.fill(junk, (byte) 0x5A);
            raf.write(junk);
        }
    }

    private TitanicStoreException openFails() {
        return assertThrows(TitanicStoreException.class, () -> TitanicStore.open(TitanicStoreConfig.of(dir)));
    }

    @Test
    void corruptReplicaGivesClearErrorNamingTheFile() throws Exception {
        fill(20);
        Path a = dir.resolve(StoreRecovery.REPLICA_A);
        overwrite(a, 0, 64);
        TitanicStoreException e = openFails();
        assertEquals(a.toAbsolutePath(), e.file().toAbsolutePath());
        assertTrue(e.getMessage().contains(StoreRecovery.REPLICA_A), e.getMessage());
        // Not silently emptied: the other replica still holds the data, and the error says how to use it.
        assertTrue(e.getMessage().contains("delete this file"), e.getMessage());
    }

    @Test
    void corruptDataPagesAreDetected() throws Exception {
        fill(200);
        Path b = dir.resolve(StoreRecovery.REPLICA_B);
        long size = Files.size(b);
        overwrite(b, 4096, (int) Math.min(size - 4096, 64 * 1024));
        TitanicStoreException e = openFails();
        assertTrue(e.getMessage().contains(StoreRecovery.REPLICA_B), e.getMessage());
    }

    @Test
    void deletingTheDamagedReplicaRebuildsItFromTheOther() throws Exception {
        List<String> uuids = fill(20);
        Path a = dir.resolve(StoreRecovery.REPLICA_A);
        overwrite(a, 0, 64);
        openFails();
        Files.delete(a);
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(uuids, store.pending(0, 100).get(30, TimeUnit.SECONDS).stream()
                    .map(StoredRequest::uuid).toList());
        }
    }

    @Test
    void replicaInDoubtIsRestoredFromTheOther() throws Exception {
        List<String> uuids = fill(30);
        // As if killed inside replica A's commit: marker names A, and A is torn.
        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(CommitMarker.State.A_IN_DOUBT, 99);
        }
        Path a = dir.resolve(StoreRecovery.REPLICA_A);
        overwrite(a, 0, (int) Files.size(a));
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(uuids, store.pending(0, 100).get(30, TimeUnit.SECONDS).stream()
                    .map(StoredRequest::uuid).toList());
        }
    }

    @Test
    void leftoversOfAnInterruptedCompactionAreDiscarded() throws Exception {
        List<String> uuids = fill(10);
        // As if killed while compaction wrote its fresh file (and MapDB left a log file behind).
        Files.writeString(dir.resolve(StoreRecovery.COMPACT_FILE), "half-written");
        Files.writeString(dir.resolve(StoreRecovery.REPLICA_A + ".wal.0"), "stale log");
        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(CommitMarker.State.B_IN_DOUBT, 7);
        }
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(uuids, store.pending(0, 100).get(30, TimeUnit.SECONDS).stream()
                    .map(StoredRequest::uuid).toList());
        }
        assertTrue(Files.notExists(dir.resolve(StoreRecovery.COMPACT_FILE)));
        assertTrue(Files.notExists(dir.resolve(StoreRecovery.REPLICA_A + ".wal.0")));
    }

    @Test
    void repairNeverCopiesADamagedReplica() throws Exception {
        fill(10);
        try (CommitMarker marker = CommitMarker.open(dir)) {
            marker.write(CommitMarker.State.A_IN_DOUBT, 99);
        }
        Path a = dir.resolve(StoreRecovery.REPLICA_A);
        Path b = dir.resolve(StoreRecovery.REPLICA_B);
        byte[] before = Files.readAllBytes(a);
        overwrite(b, 0, 64);
        TitanicStoreException e = openFails();
        assertTrue(e.getMessage().contains(StoreRecovery.REPLICA_B), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(a)), "replica A was left as it was");
    }

    @Test
    void foreignFilesAreNotATitanicStore() throws Exception {
        Files.writeString(dir.resolve(StoreRecovery.REPLICA_A), "just some text, not a store");
        TitanicStoreException e = openFails();
        assertTrue(e.getMessage().contains(CommitMarker.FILE_NAME), e.getMessage());
    }

    @Test
    void wrongFormatReplicaIsReported() throws Exception {
        fill(1);
        Path b = dir.resolve(StoreRecovery.REPLICA_B);
        Files.writeString(b, "x".repeat(10_000));
        TitanicStoreException e = openFails();
        assertTrue(e.getMessage().contains(StoreRecovery.REPLICA_B), e.getMessage());
    }

    @Test
    void damagedMarkerIsReported() throws Exception {
        fill(1);
        overwrite(dir.resolve(CommitMarker.FILE_NAME), 6, 4);
        TitanicStoreException e = openFails();
        assertTrue(e.getMessage().contains(CommitMarker.FILE_NAME), e.getMessage());
    }

    @Test
    void storeLockedByAnotherProcessGivesClearError() throws Exception {
        try (ChildJvm child = ChildJvm.start(StoreChild.class, "hold", dir.toString())) {
            assertTrue(child.awaitLine("READY", 60_000), "child did not open the store");
            TitanicStoreException e = openFails();
            assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
            assertTrue(e.getMessage().contains(StoreLock.FILE_NAME), e.getMessage());
            child.closeStdin();
            assertTrue(child.waitFor(30_000), "child did not stop");
        }
        TitanicStore.open(TitanicStoreConfig.of(dir)).close();
    }

    @Test
    void storeKilledMidStreamKeepsEveryAcknowledgedWrite() throws Exception {
        int rounds = 2;
        int totalAcked = 0;
        int totalDone = 0;
        int totalClosed = 0;
        java.util.Set<String> acked = new java.util.HashSet<>();
        java.util.Map<String, String> replies = new java.util.HashMap<>();
        java.util.Set<String> closed = new java.util.HashSet<>();
        for (int round = 0; round < rounds; round++) {
            try (ChildJvm child = ChildJvm.start(StoreChild.class, "submit", dir.toString())) {
                assertTrue(child.awaitLine("READY", 60_000), "child did not open the store");
                int seen = 0;
                while (seen < 300) {
                    String line = child.nextLine(60_000);
                    assertNotNull(line, "child stopped writing");
                    if (line.startsWith("ACK ")) {
                        seen++;
                    }
                    record(line, acked, replies, closed);
                }
                child.kill();
                child.awaitEndOfOutput(30_000);
                for (String line : child.drain()) {
                    record(line, acked, replies, closed);
                }
            }
            // Killed while writing: the marker names a replica in doubt, so the reopen below runs the repair.
            CommitMarker.State state = CommitMarker.read(dir).state();
            assertTrue(state == CommitMarker.State.A_IN_DOUBT || state == CommitMarker.State.B_IN_DOUBT,
                    "marker after kill: " + state);
            try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
                for (String uuid : acked) {
                    ReplyLookup lookup = store.lookup(uuid).get(30, TimeUnit.SECONDS);
                    if (closed.contains(uuid)) {
                        assertEquals(ReplyLookup.Status.UNKNOWN, lookup.status(), uuid);
                    } else if (replies.containsKey(uuid) && closeIssued(replies.get(uuid))
                            && lookup.status() == ReplyLookup.Status.UNKNOWN) {
                        // The close was committed but the child died before printing its acknowledgement.
                        continue;
                    } else if (replies.containsKey(uuid)) {
                        assertEquals(ReplyLookup.Status.DONE, lookup.status(), uuid);
                        assertEquals(replies.get(uuid), new String(lookup.reply().get(0), StandardCharsets.UTF_8));
                    } else {
                        assertTrue(lookup.status() != ReplyLookup.Status.UNKNOWN, "acknowledged " + uuid + " lost");
                    }
                }
            }
        }
        totalAcked = acked.size();
        totalDone = replies.size();
        totalClosed = closed.size();
        System.out.printf("crash test: %d kill -9 rounds, %d acknowledged requests, %d acknowledged replies, "
                + "%d acknowledged closes, all present after reopen%n", rounds, totalAcked, totalDone, totalClosed);
        assertTrue(totalAcked >= rounds * 300);
    }

    /** The child closes every fourth request (ids divisible by 4) right after its reply is acknowledged. */
    private static boolean closeIssued(String reply) {
        return Long.parseLong(reply.substring("reply-".length())) % 4 == 0;
    }

    private static void record(String line, java.util.Set<String> acked, java.util.Map<String, String> replies,
            java.util.Set<String> closed) {
        String[] parts = line.split(" ");
        switch (parts[0]) {
            case "ACK" -> acked.add(parts[1]);
            case "DONE" -> replies.put(parts[1], parts[2]);
            case "CLOSED" -> closed.add(parts[1]);
            default -> {
                // READY and anything else
            }
        }
    }
}
