package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Eventually;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TitanicStoreTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void requestReplyAndCloseRoundTrip() throws Exception {
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            String uuid = await(store.submit("echo", List.of(bytes("hello"), new byte[] {0, 1, 2})));
            assertTrue(TitanicStore.isValidUuid(uuid), uuid);
            assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(uuid)).status());

            List<StoredRequest> pending = await(store.pending(0, 10));
            assertEquals(1, pending.size());
            assertEquals(uuid, pending.get(0).uuid());
            assertEquals("echo", pending.get(0).service());
            assertArrayEquals(bytes("hello"), pending.get(0).body().get(0));
            assertArrayEquals(new byte[] {0, 1, 2}, pending.get(0).body().get(1));

            assertTrue(await(store.storeReply(uuid, List.of(bytes("world"), new byte[0]))));
            ReplyLookup done = await(store.lookup(uuid.toLowerCase()));
            assertEquals(ReplyLookup.Status.DONE, done.status());
            assertArrayEquals(bytes("world"), done.reply().get(0));
            assertEquals(0, done.reply().get(1).length);
            assertTrue(await(store.pending(0, 10)).isEmpty());
            assertFalse(await(store.storeReply(uuid, List.of(bytes("again")))), "a second reply is ignored");

            await(store.close(uuid));
            assertEquals(ReplyLookup.Status.UNKNOWN, await(store.lookup(uuid)).status());
            await(store.close(uuid)); // idempotent
            assertFalse(await(store.storeReply(uuid, List.of(bytes("late")))), "closed requests take no reply");
            assertEquals(0, store.entries());
            assertEquals(0, store.liveBytes());
        }
    }

    @Test
    void unknownAndMalformedIds() throws Exception {
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(ReplyLookup.Status.UNKNOWN,
                    await(store.lookup("0123456789abcdef0123456789ABCDEF")).status());
            assertThrows(IllegalArgumentException.class, () -> store.lookup("not-a-uuid"));
            assertThrows(IllegalArgumentException.class, () -> store.close("0123456789abcdef0123456789ABCDEG"));
            assertThrows(IllegalArgumentException.class, () -> store.lookup(null));
            // No-ops commit nothing (no fsyncs for them).
            long commits = store.commitCount();
            await(store.close("0123456789abcdef0123456789ABCDEF"));
            assertFalse(await(store.storeReply("0123456789abcdef0123456789ABCDEF", List.of(bytes("x")))));
            assertEquals(commits, store.commitCount());
        }
    }

    @Test
    void reopenKeepsPendingInArrivalOrderAndReplies() throws Exception {
        List<String> order = new ArrayList<>();
        String answered;
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            for (int i = 0; i < 40; i++) {
                order.add(await(store.submit(i % 2 == 0 ? "echo" : "time", List.of(bytes("r" + i)))));
            }
            answered = order.remove(7);
            assertTrue(await(store.storeReply(answered, List.of(bytes("answer")))));
            await(store.close(order.remove(20)));
        }
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            List<StoredRequest> pending = await(store.pending(0, 1000));
            assertEquals(order, pending.stream().map(StoredRequest::uuid).toList());
            for (int i = 1; i < pending.size(); i++) {
                assertTrue(pending.get(i - 1).seq() < pending.get(i).seq());
            }
            // Paging through the queue from a sequence number.
            List<StoredRequest> tail = await(store.pending(pending.get(10).seq(), 5));
            assertEquals(order.subList(10, 15), tail.stream().map(StoredRequest::uuid).toList());
            ReplyLookup done = await(store.lookup(answered));
            assertEquals(ReplyLookup.Status.DONE, done.status());
            assertArrayEquals(bytes("answer"), done.reply().get(0));
            assertEquals(39, store.entries());
            // New requests go after the old ones.
            String later = await(store.submit("echo", List.of(bytes("later"))));
            List<StoredRequest> all = await(store.pending(0, 1000));
            assertEquals(later, all.get(all.size() - 1).uuid());
        }
    }

    @Test
    void concurrentSubmitsShareCommits() throws Exception {
        int threads = 16;
        int perThread = 25;
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            long before = store.commitCount();
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<String>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread worker = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        futures.add(store.submit("echo", List.of(bytes(id + "-" + i))));
                    }
                });
                worker.start();
                workers.add(worker);
            }
            start.countDown();
            for (Thread worker : workers) {
                worker.join(30_000);
            }
            java.util.Set<String> uuids = new java.util.HashSet<>();
            for (CompletableFuture<String> future : futures) {
                uuids.add(await(future));
            }
            long commits = store.commitCount() - before;
            int requests = threads * perThread;
            System.out.printf("group commit: %d requests acknowledged in %d commits%n", requests, commits);
            assertEquals(requests, uuids.size());
            assertTrue(commits < requests, commits + " commits for " + requests + " requests");
            assertEquals(requests, await(store.pending(0, 10_000)).size());
        }
    }

    @Test
    void limitsRefuseNewRequestsWithoutLosingOldOnes() throws Exception {
        TitanicStoreConfig config = TitanicStoreConfig.builder(dir).maxEntries(3).maxRequestBytes(100).build();
        try (TitanicStore store = TitanicStore.open(config)) {
            CompletionException tooBig = assertThrows(CompletionException.class,
                    () -> store.submit("echo", List.of(new byte[200])).join());
            assertInstanceOf(TitanicStoreFullException.class, tooBig.getCause());
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                kept.add(await(store.submit("echo", List.of(bytes("r" + i)))));
            }
            CompletionException replyTooBig = assertThrows(CompletionException.class,
                    () -> store.storeReply(kept.get(0), List.of(new byte[200])).join());
            assertInstanceOf(TitanicStoreFullException.class, replyTooBig.getCause());
            CompletionException full = assertThrows(CompletionException.class,
                    () -> store.submit("echo", List.of(bytes("one too many"))).join());
            assertInstanceOf(TitanicStoreFullException.class, full.getCause());
            assertEquals(kept, await(store.pending(0, 10)).stream().map(StoredRequest::uuid).toList());
            await(store.close(kept.get(0)));
            await(store.submit("echo", List.of(bytes("fits again"))));
        }
    }

    @Test
    void secondOpenInTheSameProcessIsRefused() {
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            TitanicStoreException e = assertThrows(TitanicStoreException.class,
                    () -> TitanicStore.open(TitanicStoreConfig.of(dir)));
            assertTrue(e.getMessage().contains(StoreLock.FILE_NAME), e.getMessage());
        }
        // Released on close: opens again.
        TitanicStore.open(TitanicStoreConfig.of(dir)).close();
    }

    @Test
    void closedStoreRefusesOperations() throws Exception {
        TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir));
        store.close();
        CompletionException e = assertThrows(CompletionException.class,
                () -> store.submit("echo", List.of(bytes("x"))).join());
        assertInstanceOf(TitanicStoreException.class, e.getCause());
    }

    @Test
    void compactionReclaimsSpaceAndKeepsLiveData() throws Exception {
        List<String> kept = new ArrayList<>();
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                futures.add(store.submit("echo", List.of(new byte[8 * 1024], bytes("r" + i))));
            }
            for (int i = 0; i < futures.size(); i++) {
                String uuid = await(futures.get(i));
                if (i % 50 == 0) {
                    kept.add(uuid);
                } else {
                    store.close(uuid);
                }
            }
            await(store.storeReply(kept.get(0), List.of(bytes("answer"))));
            long before = store.fileSizeBytes();
            long reclaimed = await(store.compact());
            System.out.printf("compaction: %d -> %d bytes on disk%n", before, store.fileSizeBytes());
            assertTrue(reclaimed > 0 && store.fileSizeBytes() < before, before + " -> " + store.fileSizeBytes());
            assertEquals(kept.subList(1, kept.size()),
                    await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
            // Still writable after the swap.
            kept.add(await(store.submit("echo", List.of(bytes("after")))));
        }
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            assertEquals(kept.subList(1, kept.size()),
                    await(store.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
            assertEquals(ReplyLookup.Status.DONE, await(store.lookup(kept.get(0))).status());
        }
    }

    @Test
    void oversizedStoreShrinksBackAutomatically() throws Exception {
        long alarm = 4L << 20;
        TitanicStoreConfig config = TitanicStoreConfig.builder(dir).fileSizeAlarmBytes(alarm)
                .segmentBytes(256 * 1024).build();
        try (TitanicStore store = TitanicStore.open(config)) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                futures.add(store.submit("echo", List.of(new byte[16 * 1024])));
            }
            List<String> uuids = new ArrayList<>();
            for (CompletableFuture<String> future : futures) {
                uuids.add(await(future));
            }
            Eventually.until("the state file to take the burst", Duration.ofSeconds(30),
                    () -> store.fileSizeBytes() > alarm);
            long peak = store.fileSizeBytes();
            List<CompletableFuture<Void>> closes = new ArrayList<>();
            for (String uuid : uuids) {
                closes.add(store.close(uuid));
            }
            for (CompletableFuture<Void> close : closes) {
                await(close);
            }
            String last = await(store.submit("echo", List.of(bytes("live"))));
            // Checkpoints retire the journal's segments and rewrite the state file, without anyone asking.
            Eventually.until("the store to shrink below the alarm", Duration.ofSeconds(60),
                    () -> store.fileSizeBytes() <= alarm, store::fileSizeBytes);
            System.out.printf("automatic reclamation: %d -> %d bytes on disk%n", peak, store.fileSizeBytes());
            assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(last)).status());
        }
    }
}
