package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.zreliable.common.Eventually;
import io.zreliable.common.Frames;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMsg;

/**
 * The store on a real, small filesystem (a 4 MiB tmpfs, mounted as root) that fills up: new requests get refused,
 * stored ones stay answerable, deliveries pause, and everything resumes without a restart once space is freed.
 */
class TitanicDiskFullTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Path mount;
    private boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "skipped: mounting a size-limited tmpfs needs root, and this test runs as "
                        + System.getProperty("user.name"));
        mount = Files.createDirectories(tmp.resolve("small-disk"));
        int exit = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString());
        assumeTrue(exit == 0, "skipped: mount -t tmpfs failed with exit " + exit + " (no CAP_SYS_ADMIN here)");
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            String held = OpenFiles.under(mount).toString();
            if (run("umount", mount.toString()) != 0) {
                run("umount", "-l", mount.toString()); // detach it anyway, then fail
                throw new AssertionError("umount " + mount + " failed; this JVM still holds " + held);
            }
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return process.exitValue();
    }

    /** Fills the filesystem with a ballast file until {@code leave} bytes are free. */
    private Path ballast(long leave) throws IOException {
        Path file = mount.resolve("ballast");
        long free = Files.getFileStore(mount).getUsableSpace();
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[4096];
            for (long left = free - leave; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static TitanicStoreConfig.Builder smallStore(Path dir) {
        return TitanicStoreConfig.builder(dir).segmentBytes(64 * 1024).checkpointBytes(64 * 1024)
                .fileSizeAlarmBytes(1L << 30);
    }

    /** Submits 8 KiB requests until one is refused; returns the acknowledged ones. */
    private static List<String> fill(TitanicStore store) throws Exception {
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            try {
                acked.add(await(store.submit("echo", List.of(new byte[8 * 1024], Frames.utf8("r" + i)))));
            } catch (ExecutionException e) {
                assertInstanceOf(TitanicStoreException.class, e.getCause());
                return acked;
            }
        }
        throw new AssertionError("the small disk never filled");
    }

    private static volatile String lastRefusal;

    private static boolean submitSucceeds(TitanicStore store) {
        try {
            await(store.submit("echo", List.of(Frames.utf8("after"))));
            return true;
        } catch (Exception e) {
            lastRefusal = String.valueOf(e.getCause());
            return false;
        }
    }

    private String state(TitanicStore store) {
        try {
            return "store on disk " + store.fileSizeBytes() + " bytes, " + Files.getFileStore(mount).getUsableSpace()
                    + " bytes free, last refusal: " + lastRefusal;
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void belowTheReserveNewRequestsAreRefusedAndStoredOnesStayServed() throws Exception {
        Path dir = mount.resolve("store");
        TitanicStoreConfig config = smallStore(dir).diskReserveBytes(512 * 1024).build();
        List<String> acked;
        try (TitanicStore store = TitanicStore.open(config)) {
            Path ballast = ballast(1536 * 1024);
            acked = fill(store);
            assertTrue(!acked.isEmpty(), "nothing fitted");
            assertFalse(store.hasSpace());
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(store.submit("echo", List.of(Frames.utf8("one too many")))));
            assertInstanceOf(TitanicStoreFullException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains("reserve"), refused.getCause().getMessage());
            // Acknowledged requests stay answerable; replies and closes use the reserve.
            for (String uuid : acked) {
                assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(uuid)).status());
            }
            assertTrue(await(store.storeReply(acked.get(0), List.of(Frames.utf8("answered on a full disk")))));
            await(store.close(acked.get(1)));
            // Space comes back: new requests are taken again, without a restart.
            Files.delete(ballast);
            Eventually.until("a new request to be taken", WAIT, () -> submitSucceeds(store), () -> state(store));
            assertTrue(store.hasSpace());
        }
        try (TitanicStore store = TitanicStore.open(config)) {
            assertEquals("answered on a full disk",
                    Frames.text(await(store.lookup(acked.get(0))).reply().get(0)));
            assertEquals(ReplyLookup.Status.UNKNOWN, await(store.lookup(acked.get(1))).status());
            for (String uuid : acked.subList(2, acked.size())) {
                assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(uuid)).status());
            }
        }
    }

    @Test
    void journalWritesFailingForLackOfSpaceResumeOnceSpaceIsFreed() throws Exception {
        Path dir = mount.resolve("store");
        TitanicStoreConfig config = smallStore(dir).diskReserveBytes(0).build();
        List<String> acked;
        try (TitanicStore store = TitanicStore.open(config)) {
            Path ballast = ballast(1536 * 1024);
            acked = fill(store); // ends with a write the disk could not take
            assertTrue(!acked.isEmpty(), "nothing fitted");
            for (String uuid : acked) {
                assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(uuid)).status());
            }
            Files.delete(ballast);
            Eventually.until("the journal to be written again", WAIT, () -> submitSucceeds(store),
                    () -> state(store));
        }
        try (TitanicStore store = TitanicStore.open(config)) {
            for (String uuid : acked) {
                assertEquals(ReplyLookup.Status.PENDING, await(store.lookup(uuid)).status());
            }
        }
    }

    @Test
    void deliveriesPauseWhileTheDiskIsFullAndResumeByThemselves() throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            TitanicConfig config = TitanicConfig.builder(smallStore(mount.resolve("store"))
                            .diskReserveBytes(512 * 1024).build())
                    .connect(endpoint).heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS))
                    .requestTimeout(Duration.ofSeconds(10)).build();
            AtomicInteger executed = new AtomicInteger();
            try (Titanic titanic = Titanic.start(config);
                    TitanicClient client = new TitanicClient(List.of(endpoint),
                            RetryPolicy.builder().timeoutMillis(2_000).attempts(10).build())) {
                List<String> uuids = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    uuids.add(client.submit("slow", List.of(Frames.utf8("job-" + i))));
                }
                Path ballast = ballast(256 * 1024);
                Eventually.until("the store to see the full disk", WAIT, () -> !titanic.store().hasSpace());
                WorkerConfig workerConfig = WorkerConfig.builder("slow").connect(endpoint)
                        .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build();
                try (MajordomoWorker worker = new MajordomoWorker(workerConfig, request -> {
                    executed.incrementAndGet();
                    ZMsg reply = new ZMsg();
                    reply.add("done:" + request.popString());
                    return reply;
                }).start()) {
                    Eventually.until("deliveries paused", WAIT, () -> titanic.pausedDeliveries() >= 6);
                    assertEquals(0, executed.get(), "no request executed while its reply could not be stored");
                    Files.delete(ballast);
                    for (int i = 0; i < uuids.size(); i++) {
                        String uuid = uuids.get(i);
                        Eventually.until("reply for job-" + i, WAIT, () -> client.poll(uuid).isPresent());
                        Optional<List<byte[]>> reply = client.poll(uuid);
                        assertEquals("done:job-" + i, Frames.text(reply.orElseThrow().get(0)));
                    }
                    assertEquals(uuids.size(), executed.get(), "each request executed once");
                }
            }
        }
    }

    @Test
    void aReplyThatCannotBeStoredIsHeldNotFetchedAgain() throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            TitanicConfig config = TitanicConfig.builder(smallStore(mount.resolve("store")).diskReserveBytes(0)
                            .build())
                    .connect(endpoint).heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS))
                    .requestTimeout(Duration.ofSeconds(10)).build();
            AtomicInteger executed = new AtomicInteger();
            Path ballast = mount.resolve("ballast");
            WorkerConfig workerConfig = WorkerConfig.builder("filler").connect(endpoint)
                    .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build();
            try (Titanic titanic = Titanic.start(config);
                    TitanicClient client = new TitanicClient(List.of(endpoint),
                            RetryPolicy.builder().timeoutMillis(2_000).attempts(10).build());
                    MajordomoWorker worker = new MajordomoWorker(workerConfig, request -> {
                        executed.incrementAndGet();
                        fillCompletely(ballast); // the disk fills while the service works
                        ZMsg reply = new ZMsg();
                        reply.add("done:" + request.popString());
                        reply.add(new byte[64 * 1024]); // needs new pages: a few bytes could fit a page's tail
                        return reply;
                    }).start()) {
                String uuid = client.submit("filler", List.of(Frames.utf8("job")));
                Eventually.until("the reply held and stored again", WAIT, () -> titanic.heldReplies() >= 2);
                assertTrue(client.poll(uuid).isEmpty(), "not stored while the disk is full");
                Files.delete(ballast);
                Eventually.until("the held reply stored", WAIT, () -> client.poll(uuid).isPresent());
                assertEquals("done:job", Frames.text(client.poll(uuid).orElseThrow().get(0)));
                assertEquals(1, executed.get(), "the service was not called again for a reply it gave");
            }
        }
    }

    /** Writes into {@code file} until the filesystem has no byte left. */
    private static void fillCompletely(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[4096];
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            // no space left: what the test wants
        }
    }
}
