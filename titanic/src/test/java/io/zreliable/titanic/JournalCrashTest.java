package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends without pause (requests, replies, closes, with checkpoints and segment retirement running)
 * and is killed with kill -9 at 20 random moments; after each kill the store is reopened and must hold every
 * acknowledged operation, pending requests in arrival order, and nothing it was never given.
 */
class JournalCrashTest {
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    void killedTwentyTimesMidStreamKeepsEveryAcknowledgedWrite() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        StoreFiles.Acked acked = new StoreFiles.Acked();
        int reopenedPending = 0;
        for (int round = 0; round < KILLS; round++) {
            int acksBeforeKill = 1 + random.nextInt(400);
            try (ChildJvm child = ChildJvm.start(StoreChild.class, "submit", dir.toString(), "16384")) {
                int seen = 0;
                while (seen < acksBeforeKill) {
                    String line = child.nextLine(60_000);
                    assertNotNull(line, "child stopped writing (seed " + seed + ")");
                    if (line.startsWith("ACK ")) {
                        seen++;
                    }
                    acked.record(line);
                }
                child.kill();
                child.awaitEndOfOutput(30_000);
                child.drain().forEach(acked::record);
            }
            try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
                reopenedPending = check(store, acked, seed);
            }
        }
        System.out.printf("crash loop (seed %d): %d kill -9, %d acknowledged requests, %d replies, %d closes, all "
                + "present after each reopen; %d pending at the end%n", seed, KILLS, acked.uuids.size(),
                acked.replies.size(), acked.closed.size(), reopenedPending);
        assertTrue(acked.uuids.size() >= KILLS);
    }

    private static int check(TitanicStore store, StoreFiles.Acked acked, long seed) throws Exception {
        for (String uuid : acked.uuids) {
            long id = acked.ids.get(uuid);
            ReplyLookup lookup = store.lookup(uuid).get(30, TimeUnit.SECONDS);
            String where = uuid + " (request-" + id + ", seed " + seed + ")";
            if (acked.closed.contains(uuid)) {
                assertEquals(ReplyLookup.Status.UNKNOWN, lookup.status(), "closed " + where);
            } else if (lookup.status() == ReplyLookup.Status.DONE) {
                // Acknowledged or not, a reply is only ever the one the child stored.
                assertEquals(0, id % 2, "reply for a request never answered: " + where);
                assertEquals("reply-" + id, new String(lookup.reply().get(0), StandardCharsets.UTF_8), where);
            } else if (acked.replies.containsKey(uuid)) {
                assertEquals(ReplyLookup.Status.UNKNOWN, lookup.status(), "acknowledged reply lost: " + where);
                assertEquals(0, id % 4, "only a request the child closes may be gone: " + where);
            } else if (lookup.status() == ReplyLookup.Status.UNKNOWN) {
                // Closed after a reply the child wrote but did not live to acknowledge.
                assertEquals(0, id % 4, "acknowledged request lost: " + where);
            }
        }
        List<StoredRequest> pending = store.pending(0, 1_000_000).get(30, TimeUnit.SECONDS);
        List<Long> ids = new ArrayList<>();
        for (StoredRequest request : pending) {
            String body = new String(request.body().get(0), StandardCharsets.UTF_8);
            assertTrue(body.startsWith("request-"), "a pending request the child never wrote: " + body);
            ids.add(Long.parseLong(body.substring("request-".length())));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertNotEquals(ids.get(i - 1), ids.get(i));
        }
        return pending.size();
    }
}
