package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Frames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMsg;

/** The TSP service logic over a real store: status codes exactly as 9/TSP says, malformed input refused. */
class TspServicesTest {
    @TempDir
    Path dir;

    private TitanicStore store;
    private TspServices services;
    private final AtomicInteger stored = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    @BeforeEach
    void open() {
        store = TitanicStore.open(TitanicStoreConfig.builder(dir).maxEntries(5).maxRequestBytes(1000).build());
        services = new TspServices(store, Duration.ofSeconds(30), new TspServices.Listener() {
            @Override
            public void stored(String uuid, String service) {
                stored.incrementAndGet();
            }

            @Override
            public void closed(String uuid) {
                closed.incrementAndGet();
            }
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static String status(ZMsg reply) {
        return reply.getFirst().getString(org.zeromq.ZMQ.CHARSET);
    }

    @Test
    void requestPendingReplyClose() throws Exception {
        ZMsg ack = services.request(Frames.message("echo", "hello", "world")).join();
        assertEquals(2, ack.size());
        assertEquals(TspProtocol.OK, status(ack));
        String uuid = ack.getLast().getString(org.zeromq.ZMQ.CHARSET);
        assertTrue(TitanicStore.isValidUuid(uuid));
        assertEquals(1, stored.get(), "dispatcher woken");

        ZMsg pending = services.reply(Frames.message(uuid)).join();
        assertEquals(1, pending.size());
        assertEquals(TspProtocol.PENDING, status(pending));

        store.storeReply(uuid, List.of(Frames.utf8("HELLO"), Frames.utf8("WORLD"))).get(30, TimeUnit.SECONDS);
        ZMsg done = services.reply(Frames.message(uuid.toLowerCase())).join();
        assertEquals(3, done.size());
        assertEquals(TspProtocol.OK, status(done));
        done.pop();
        assertEquals("HELLO", done.popString());
        assertEquals("WORLD", done.popString());
        // Idempotent: the reply is not consumed by reading it.
        assertEquals(TspProtocol.OK, status(services.reply(Frames.message(uuid)).join()));

        ZMsg closed = services.close(Frames.message(uuid)).join();
        assertEquals(1, closed.size());
        assertEquals(TspProtocol.OK, status(closed));
        assertEquals(1, this.closed.get(), "dispatcher told");
        assertEquals(TspProtocol.UNKNOWN, status(services.reply(Frames.message(uuid)).join()));
        assertEquals(TspProtocol.OK, status(services.close(Frames.message(uuid)).join()), "close is idempotent");
    }

    @Test
    void unknownUuid() {
        String uuid = "0123456789ABCDEF0123456789abcdef";
        assertEquals(TspProtocol.UNKNOWN, status(services.reply(Frames.message(uuid)).join()));
        assertEquals(TspProtocol.OK, status(services.close(Frames.message(uuid)).join()));
    }

    @Test
    void malformedRequestsGet400AndAreCounted() {
        List<ZMsg> bad = List.of(
                new ZMsg(),                                              // no frames
                Frames.message("echo"),                                  // no body
                Frames.message("", "body"),                              // empty service
                Frames.message("ec ho", "body"),                         // space in the name
                Frames.message(new byte[] {'e', 0, 'o'}, Frames.utf8("body")),
                Frames.message("titanic.request", "echo", "loop"),       // would loop through Titanic
                Frames.message("x".repeat(300), "body"),
                Frames.message("echo", "y".repeat(1000)));                // over maxRequestBytes
        for (ZMsg msg : bad) {
            ZMsg reply = services.request(msg).join();
            assertEquals(1, reply.size());
            assertEquals(TspProtocol.UNKNOWN, status(reply));
        }
        List<String[]> badIds = List.of(
                new String[0],
                new String[] {"not-a-uuid"},
                new String[] {"0123456789ABCDEF0123456789ABCDEX"},
                new String[] {"0123456789ABCDEF0123456789ABCDEF", "extra"},
                new String[] {"0".repeat(1000)});
        for (String[] frames : badIds) {
            assertEquals(TspProtocol.UNKNOWN, status(services.reply(Frames.message(frames)).join()));
            assertEquals(TspProtocol.UNKNOWN, status(services.close(Frames.message(frames)).join()));
        }
        assertEquals(bad.size() + 2 * badIds.size(), services.malformed().total());
        assertEquals(0, store.entries(), "nothing malformed was stored");
    }

    @Test
    void fullStoreGives500() {
        for (int i = 0; i < 5; i++) {
            assertEquals(TspProtocol.OK, status(services.request(Frames.message("echo", "r" + i)).join()));
        }
        assertEquals(TspProtocol.ERROR, status(services.request(Frames.message("echo", "one too many")).join()));
        assertEquals(1, services.failures().count("store full"));
    }

    @Test
    void statusFramesMayCarryText() {
        assertEquals("200", TspProtocol.statusCode(Frames.utf8("200")));
        assertEquals("300", TspProtocol.statusCode(Frames.utf8("300 Pending")));
        assertEquals(null, TspProtocol.statusCode(Frames.utf8("20")));
        assertEquals(null, TspProtocol.statusCode(Frames.utf8("2000")));
        assertEquals(null, TspProtocol.statusCode(Frames.utf8("OK!")));
    }
}
