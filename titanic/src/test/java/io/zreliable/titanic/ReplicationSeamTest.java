package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal as a replication log: read from one store, appended to another, without sockets. */
class ReplicationSeamTest {
    @TempDir
    Path dir;

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Ships every record {@code tail} has up to {@code source}'s last index into {@code target}. */
    private static void ship(JournalTail tail, TitanicStore source, TitanicStore target) throws Exception {
        while (tail.nextIndex() <= source.lastIndex()) {
            List<JournalRecord> records = tail.poll(50, Duration.ofSeconds(5));
            assertEquals(records.get(records.size() - 1).index(), await(target.appendReplicated(records)));
        }
    }

    private static void assertSameState(TitanicStore a, TitanicStore b, List<String> uuids) throws Exception {
        assertEquals(await(a.pending(0, 1000)).stream().map(StoredRequest::uuid).toList(),
                await(b.pending(0, 1000)).stream().map(StoredRequest::uuid).toList());
        for (String uuid : uuids) {
            ReplyLookup left = await(a.lookup(uuid));
            ReplyLookup right = await(b.lookup(uuid));
            assertEquals(left.status(), right.status(), uuid);
            assertEquals(left.reply().size(), right.reply().size());
            for (int i = 0; i < left.reply().size(); i++) {
                assertArrayEquals(left.reply().get(i), right.reply().get(i));
            }
        }
        assertEquals(a.entries(), b.entries());
        assertEquals(a.liveBytes(), b.liveBytes());
        assertEquals(a.lastIndex(), b.lastIndex());
    }

    @Test
    void recordsReadFromOneStoreRebuildItsStateInAnother() throws Exception {
        List<String> uuids = new ArrayList<>();
        try (TitanicStore source = TitanicStore.open(TitanicStoreConfig.of(dir.resolve("a")));
                TitanicStore target = TitanicStore.open(TitanicStoreConfig.of(dir.resolve("b")));
                JournalTail tail = source.journalFrom(0)) {
            for (int i = 0; i < 30; i++) {
                uuids.add(await(source.submit(i % 2 == 0 ? "echo" : "time", List.of(bytes("r" + i)))));
            }
            assertTrue(await(source.storeReply(uuids.get(3), List.of(bytes("answer"), new byte[0]))));
            await(source.close(uuids.get(5)));
            ship(tail, source, target);
            assertSameState(source, target, uuids);

            // The reader follows the live journal: a record written after it caught up is the next it returns.
            CompletableFuture<List<JournalRecord>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return tail.poll(10, Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            String late = await(source.submit("echo", List.of(bytes("late"))));
            uuids.add(late);
            List<JournalRecord> next = await(waiting);
            assertEquals(JournalRecord.Type.REQUEST, next.get(0).type());
            assertEquals(late, next.get(0).uuid());
            await(target.appendReplicated(next));
            ship(tail, source, target);
            assertSameState(source, target, uuids);

            // Out of order is refused, and changes nothing.
            JournalRecord stale = next.get(0);
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> await(target.appendReplicated(List.of(stale))));
            assertTrue(refused.getCause().getMessage().contains("next index"), refused.getCause().getMessage());
        }
        // What was appended is as durable as any write: it is all there after a reopen.
        try (TitanicStore source = TitanicStore.open(TitanicStoreConfig.of(dir.resolve("a")));
                TitanicStore target = TitanicStore.open(TitanicStoreConfig.of(dir.resolve("b")))) {
            assertSameState(source, target, uuids);
        }
    }

    @Test
    void readingFromTheFirstRetainedRecordYieldsTheWholeStateAfterRetirement() throws Exception {
        TitanicStoreConfig small = TitanicStoreConfig.builder(dir.resolve("a")).segmentBytes(8192).build();
        List<String> kept = new ArrayList<>();
        try (TitanicStore source = TitanicStore.open(small)) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                all.add(await(source.submit("echo", List.of(new byte[200]))));
            }
            for (int i = 0; i < all.size(); i++) {
                if (i % 60 == 0) {
                    kept.add(all.get(i));
                } else {
                    await(source.close(all.get(i)));
                }
            }
            await(source.compact());
            try (JournalTail old = source.journalFrom(1)) {
                TitanicStoreException e = assertThrows(TitanicStoreException.class,
                        () -> old.poll(10, Duration.ofSeconds(1)));
                assertTrue(e.getMessage().contains("retired"), e.getMessage());
            }
            try (TitanicStore target = TitanicStore.open(TitanicStoreConfig.of(dir.resolve("b")))) {
                // A new replica starts from the first retained record: its copies carry every live request.
                long start = firstRetained(source);
                assertTrue(start > 300, "the early records were retired, journal starts at " + start);
                JournalTail tail = source.journalFrom(start - 1);
                List<JournalRecord> records = new ArrayList<>();
                while (tail.nextIndex() <= source.lastIndex()) {
                    records.addAll(tail.poll(100, Duration.ofSeconds(5)));
                }
                List<String> live = new ArrayList<>();
                for (JournalRecord record : records) {
                    if (record.type() == JournalRecord.Type.REQUEST && !live.contains(record.uuid())) {
                        live.add(record.uuid());
                    }
                }
                assertTrue(live.containsAll(kept), "every live request is in the retained journal");
                assertEquals(kept.size(), await(source.pending(0, 100)).size());
                tail.close();
                await(target.appendReplicated(records.stream().map(r -> new JournalRecord(
                        r.index() - start + 1, r.type(), r.payload())).toList()));
                assertEquals(kept, await(target.pending(0, 100)).stream().map(StoredRequest::uuid).toList());
            }
        }
    }

    private static long firstRetained(TitanicStore store) throws Exception {
        for (long index = 1; index <= store.lastIndex(); index++) {
            try (JournalTail tail = store.journalFrom(index - 1)) {
                tail.poll(1, Duration.ofMillis(1));
                return index;
            } catch (TitanicStoreException retired) {
                // keep looking
            }
        }
        return store.lastIndex() + 1;
    }
}
