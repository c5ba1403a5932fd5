package io.zreliable.majordomo;

import static io.zreliable.majordomo.MdpDialect.MDP_0_1;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2_MAJORTOMO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.zeromq.ZMsg;

/**
 * The broker's routing rules across the three MDP dialects, without sockets: hand-written frames in
 * ({@link RawMdp}), the engine's outbox checked frame by frame, time moved by a {@link ManualClock}.
 */
class BrokerEngineTest {
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(3).build();

    private final ManualClock clock = new ManualClock();
    private final ArrayDeque<ZMsg> outbox = new ArrayDeque<>();
    private BrokerEngine engine = engine(BrokerConfig.builder());

    private BrokerEngine engine(BrokerConfig.Builder config) {
        return new BrokerEngine(config.heartbeat(HEARTBEAT).build(), msg -> {
            outbox.add(msg);
            return BrokerOutbox.Delivery.SENT;
        }, clock);
    }

    private void from(String peer, List<String> frames) {
        ZMsg msg = RawMdp.message(frames);
        msg.push(peer.getBytes(StandardCharsets.ISO_8859_1));
        engine.onMessage(msg);
    }

    /** The next message the engine sent, which must go to {@code peer}; returns its frames after the routing id. */
    private List<String> sentTo(String peer) {
        ZMsg msg = outbox.poll();
        assertTrue(msg != null, "nothing sent, expected a message to " + peer);
        List<String> frames = RawMdp.strings(msg);
        assertEquals(peer, frames.remove(0), "routing id of " + RawMdp.describe(frames));
        return frames;
    }

    private void assertSent(String peer, List<String> expected) {
        List<String> actual = sentTo(peer);
        assertEquals(expected, actual, RawMdp.describe(actual));
    }

    private void assertNothingSent() {
        assertTrue(outbox.isEmpty(), () -> "unexpected " + RawMdp.describe(RawMdp.strings(outbox.peek())));
    }

    /** Every client dialect meets every worker dialect; 0.2 workers stream two parts before the final one. */
    @ParameterizedTest(name = "client {0}, worker {1}")
    @MethodSource("io.zreliable.majordomo.RawMdp#dialectPairs")
    void everyClientDialectReachesEveryWorkerDialect(MdpDialect client, MdpDialect worker) {
        from("W", RawMdp.ready(worker, "echo"));
        from("C", RawMdp.clientRequest(client, "echo", "a", "b"));
        assertSent("W", RawMdp.request(worker, "C", "a", "b"));

        boolean streams = worker != MDP_0_1;
        if (streams) {
            from("W", RawMdp.partial(worker, "C", "p1"));
            from("W", RawMdp.partial(worker, "C", "p2", "p3"));
            if (client != MDP_0_1) {
                assertSent("C", RawMdp.clientPartial(client, "echo", "p1"));
                assertSent("C", RawMdp.clientPartial(client, "echo", "p2", "p3"));
            }
            assertNothingSent(); // an 0.1 client waits for its one gathered reply
        }
        from("W", RawMdp.finalReply(worker, "C", "end"));
        if (streams && client == MDP_0_1) {
            assertSent("C", RawMdp.clientFinal(client, "echo", "p1", "p2", "p3", "end"));
        } else {
            assertSent("C", RawMdp.clientFinal(client, "echo", "end"));
        }
        BrokerStats stats = engine.stats();
        assertEquals(1, stats.replies());
        assertEquals(streams ? 2 : 0, stats.partials());
        assertEquals(0, stats.dropped(), stats.drops().toString());
        // The worker is idle again: the next request goes straight to it.
        from("C", RawMdp.clientRequest(client, "echo", "again"));
        assertSent("W", RawMdp.request(worker, "C", "again"));
    }

    @Test
    void aWorkerIsBusyUntilItsFinalAndPartialsKeepItAlive() {
        from("W", RawMdp.ready(MDP_0_2, "slow"));
        from("C1", RawMdp.clientRequest(MDP_0_2, "slow", "one"));
        assertSent("W", RawMdp.request(MDP_0_2, "C1", "one"));
        from("C2", RawMdp.clientRequest(MDP_0_1, "slow", "two"));
        for (int i = 0; i < 10; i++) { // 10 x 200 ms: far past the 300 ms expiry, but never silent that long
            clock.advanceMillis(200);
            from("W", RawMdp.partial(MDP_0_2, "C1", "part " + i));
            engine.onTick();
            assertSent("C1", RawMdp.clientPartial(MDP_0_2, "slow", "part " + i));
            assertSent("W", RawMdp.heartbeat(MDP_0_2)); // we sent it nothing for an interval
            assertEquals(1, engine.stats().queued(), "the second request waits for the FINAL");
        }
        assertEquals(1, engine.stats().workers());
        from("W", RawMdp.finalReply(MDP_0_2, "C1", "done"));
        assertSent("C1", RawMdp.clientFinal(MDP_0_2, "slow", "done"));
        assertSent("W", RawMdp.request(MDP_0_2, "C2", "two"));
        assertEquals(0, engine.stats().workersExpired());
    }

    @Test
    void aSilentStreamingWorkerExpires() {
        from("W", RawMdp.ready(MDP_0_2_MAJORTOMO, "slow"));
        from("C", RawMdp.clientRequest(MDP_0_2_MAJORTOMO, "slow", "x"));
        sentTo("W");
        from("W", RawMdp.partial(MDP_0_2_MAJORTOMO, "C", "p"));
        sentTo("C");
        clock.advanceMillis(301);
        engine.onTick();
        assertEquals(1, engine.stats().workersExpired());
        assertEquals(0, engine.stats().workers());
    }

    @Test
    void aStreamTooLargeForAnMdp01ClientIsDroppedAndCountedAndTheWorkerServesOn() {
        engine = engine(BrokerConfig.builder().maxMessageBytes(1000));
        from("W", RawMdp.ready(MDP_0_2, "big"));
        from("C", RawMdp.clientRequest(MDP_0_1, "big", "x"));
        sentTo("W");
        for (int i = 0; i < 3; i++) {
            from("W", RawMdp.partial(MDP_0_2, "C", "z".repeat(400)));
        }
        from("W", RawMdp.finalReply(MDP_0_2, "C", "end"));
        assertNothingSent();
        assertEquals(1, engine.stats().drops("streamed reply too large for MDP/0.1 client"), engine.stats().drops()
                .toString());
        assertEquals(0, engine.stats().replies());
        from("C", RawMdp.clientRequest(MDP_0_1, "big", "y"));
        assertSent("W", RawMdp.request(MDP_0_2, "C", "y"));
        from("W", RawMdp.finalReply(MDP_0_2, "C", "small"));
        assertSent("C", RawMdp.clientFinal(MDP_0_1, "big", "small"));
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void mmiAnswersInTheAskersDialect(MdpDialect client) {
        from("W", RawMdp.ready(MDP_0_2, "echo"));
        from("C", RawMdp.clientRequest(client, "mmi.service", "echo"));
        assertSent("C", RawMdp.clientFinal(client, "mmi.service", "200"));
        from("C", RawMdp.clientRequest(client, "mmi.workers", "echo"));
        assertSent("C", RawMdp.clientFinal(client, "mmi.workers", "1"));
        from("C", RawMdp.clientRequest(client, "mmi.anything", "echo"));
        assertSent("C", RawMdp.clientFinal(client, "mmi.anything", "501"));
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void heartbeatsAndDisconnectsGoInTheWorkersDialect(MdpDialect worker) {
        from("W", RawMdp.ready(worker, "echo"));
        clock.advanceMillis(100);
        engine.onTick();
        assertSent("W", RawMdp.heartbeat(worker));
        engine.disconnectAll();
        assertSent("W", RawMdp.disconnect(worker));
        assertEquals(0, engine.stats().workers());
    }

    @Test
    void commandBytesAreReadPerDialect() {
        // 0x05 is HEARTBEAT in MDP/0.2 and DISCONNECT in MDP/0.1.
        from("W2", RawMdp.ready(MDP_0_2, "echo"));
        from("W2", RawMdp.worker(MDP_0_2, 5));
        from("W1", RawMdp.ready(MDP_0_1, "echo"));
        from("W1", RawMdp.worker(MDP_0_1, 5));
        assertNothingSent();
        assertEquals(1, engine.stats().workers(), "the 0.1 worker left, the 0.2 one stays");
        // 0x03 is REPLY in MDP/0.1 and PARTIAL in MDP/0.2: the 0.2 worker stays busy after it.
        from("W1", RawMdp.ready(MDP_0_1, "echo"));
        from("C", RawMdp.clientRequest(MDP_0_2, "echo", "a"));
        from("C", RawMdp.clientRequest(MDP_0_2, "echo", "b"));
        assertSent("W2", RawMdp.request(MDP_0_2, "C", "a"));
        assertSent("W1", RawMdp.request(MDP_0_1, "C", "b"));
        from("W2", RawMdp.worker(MDP_0_2, 3, "C", "", "part"));
        from("W1", RawMdp.worker(MDP_0_1, 3, "C", "", "reply"));
        assertSent("C", RawMdp.clientPartial(MDP_0_2, "echo", "part"));
        assertSent("C", RawMdp.clientFinal(MDP_0_2, "echo", "reply"));
        assertEquals(1, engine.stats().replies());
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void unexpectedWorkerCommandsGetDisconnectInTheWorkersDialect(MdpDialect worker) {
        List<List<String>> offences = new ArrayList<>(List.of(
                RawMdp.request(worker, "C", "body"),               // REQUEST goes to workers, not from them
                RawMdp.finalReply(worker, "C", "body"),            // a reply nobody asked for
                RawMdp.heartbeat(worker),                          // a heartbeat from a stranger
                RawMdp.worker(worker, 0x2A),                       // no such command
                RawMdp.worker(worker, 1)));                        // READY without a service
        if (worker != MDP_0_1) {
            offences.add(RawMdp.partial(worker, "C", "body"));    // a part nobody asked for
        }
        for (List<String> offence : offences) {
            from("W", offence);
            assertSent("W", RawMdp.disconnect(worker));
        }
        from("W", RawMdp.ready(worker, "echo"));
        from("W", RawMdp.ready(worker, "echo"));                  // READY twice
        assertSent("W", RawMdp.disconnect(worker));
        assertEquals(offences.size() + 1, engine.stats().disconnectsSent());
        assertEquals(0, engine.stats().workers());
    }

    @Test
    void aWorkerThatChangesDialectIsDisconnected() {
        from("W", RawMdp.ready(MDP_0_1, "echo"));
        from("W", RawMdp.heartbeat(MDP_0_2));
        assertSent("W", RawMdp.disconnect(MDP_0_2));
        assertEquals(1, engine.stats().drops("worker changed MDP dialect"));
        assertEquals(0, engine.stats().workers());
    }

    @Test
    void badClientInputInAnyDialectIsDroppedAndCounted() {
        List<List<String>> garbage = List.of(
                List.of("MDPC02", "\u0002", "echo", "body"),            // 18/MDP client sending PARTIAL
                List.of("", "MDPC02", "\u0003", "echo", "body"),        // majortomo client sending PARTIAL
                List.of("", "MDPC02", "\u0001", "echo", "body"),        // 18/MDP's REQUEST byte in majortomo framing
                List.of("MDPC02", "\u0009", "echo", "body"),            // unknown client command
                List.of("MDPC02", "\u0001", "echo"),                    // no body
                List.of("MDPC02", "\u0001"),                            // no service
                List.of("MDPC02", "\u0001\u0001", "echo", "x"),         // two-byte command
                List.of("MDPC03", "\u0001", "echo", "x"),               // unknown header, no delimiter
                List.of("", "MDPC03", "echo", "x"),                     // unknown header
                List.of("MDPC01", "echo", "x"));                        // 0.1 without its delimiter
        for (List<String> frames : garbage) {
            from("C", frames);
        }
        assertNothingSent();
        BrokerStats stats = engine.stats();
        assertEquals(garbage.size(), stats.dropped(), stats.drops().toString());
        assertEquals(2, stats.drops("misplaced command"), stats.drops().toString());
        assertEquals(0, stats.requests());
        // and it still serves every dialect
        from("W", RawMdp.ready(MDP_0_2, "echo"));
        from("C", RawMdp.clientRequest(MDP_0_2_MAJORTOMO, "echo", "fine"));
        assertSent("W", RawMdp.request(MDP_0_2, "C", "fine"));
    }

    @Test
    void queuedRequestsOfEveryDialectAreBoundedAndExpire() {
        engine = engine(BrokerConfig.builder().maxQueuePerService(2).requestTtl(Duration.ofSeconds(1)));
        from("C", RawMdp.clientRequest(MDP_0_2, "later", "1"));
        from("C", RawMdp.clientRequest(MDP_0_2_MAJORTOMO, "later", "2"));
        from("C", RawMdp.clientRequest(MDP_0_1, "later", "3"));
        assertEquals(1, engine.stats().drops("service queue full"));
        clock.advanceMillis(1001);
        from("W", RawMdp.ready(MDP_0_2_MAJORTOMO, "later"));
        assertNothingSent();
        assertEquals(2, engine.stats().drops("request expired"));
        from("C", RawMdp.clientRequest(MDP_0_1, "later", "4"));
        assertSent("W", RawMdp.request(MDP_0_2_MAJORTOMO, "C", "4"));
        from("W", RawMdp.finalReply(MDP_0_2_MAJORTOMO, "C", "r4"));
        assertSent("C", RawMdp.clientFinal(MDP_0_1, "later", "r4"));
    }

    @Test
    void theBacklogOfABusyServiceIsNeverExpiredByTheTtl() {
        engine = engine(BrokerConfig.builder().requestTtl(Duration.ofSeconds(1)));
        from("W", RawMdp.ready(MDP_0_2, "busy"));
        for (int i = 0; i < 5; i++) {
            from("C", RawMdp.clientRequest(MDP_0_2, "busy", "r" + i));
        }
        for (int i = 0; i < 5; i++) {
            assertSent("W", RawMdp.request(MDP_0_2, "C", "r" + i));
            clock.advanceMillis(5_000); // each request takes far longer than the TTL; the worker heartbeats meanwhile
            from("W", RawMdp.heartbeat(MDP_0_2));
            from("W", RawMdp.finalReply(MDP_0_2, "C", "done " + i));
            assertSent("C", RawMdp.clientFinal(MDP_0_2, "busy", "done " + i));
        }
        assertEquals(0, engine.stats().dropped(), engine.stats().drops().toString());
    }

    @Test
    void theTtlCountsOnlyTimeWithoutAWorker() {
        engine = engine(BrokerConfig.builder().requestTtl(Duration.ofSeconds(1)));
        from("W", RawMdp.ready(MDP_0_2, "svc"));
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "held"));
        sentTo("W");
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "queued"));
        clock.advanceMillis(10_000);                   // queued 10 s behind a busy worker: not expired
        from("W", RawMdp.disconnect(MDP_0_2));         // the worker leaves; the wait without a worker starts now
        clock.advanceMillis(900);
        from("W2", RawMdp.ready(MDP_0_2, "svc"));
        assertSent("W2", RawMdp.request(MDP_0_2, "C", "queued"));
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "late"));
        from("W2", RawMdp.disconnect(MDP_0_2));
        clock.advanceMillis(1001);                     // longer than the TTL without a worker: expired
        from("W3", RawMdp.ready(MDP_0_2, "svc"));
        assertNothingSent();
        assertEquals(1, engine.stats().drops("request expired"), engine.stats().drops().toString());
        assertEquals(1, engine.stats().dropped());
    }

    @Test
    void maxWaitBoundsTheWaitEvenWithWorkers() {
        engine = engine(BrokerConfig.builder().maxWait(Duration.ofSeconds(2)));
        from("W", RawMdp.ready(MDP_0_2, "svc"));
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "first"));
        sentTo("W");
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "stale"));
        clock.advanceMillis(1500);
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "fresh"));
        clock.advanceMillis(1000);
        from("W", RawMdp.heartbeat(MDP_0_2));
        from("W", RawMdp.finalReply(MDP_0_2, "C", "r1"));
        assertSent("C", RawMdp.clientFinal(MDP_0_2, "svc", "r1"));
        assertSent("W", RawMdp.request(MDP_0_2, "C", "fresh"));
        assertEquals(1, engine.stats().drops("request waited too long"), engine.stats().drops().toString());
    }

    @Test
    void queuesAreBoundedByBytesPerServiceAndInAll() {
        long each = Service.QueuedRequest.charge(new byte[] {'C'}, ZMsg.newStringMsg("x".repeat(1000)));
        engine = engine(BrokerConfig.builder().maxQueueBytesPerService(3 * each).maxQueueBytes(5 * each));
        String body = "x".repeat(1000);
        for (int i = 0; i < 4; i++) {
            from("C", RawMdp.clientRequest(MDP_0_2, "a", body));
        }
        assertEquals(1, engine.stats().drops("service queue bytes full"), engine.stats().drops().toString());
        for (int i = 0; i < 3; i++) {
            from("C", RawMdp.clientRequest(MDP_0_1, "b", body));
        }
        assertEquals(1, engine.stats().drops("queue bytes full"), engine.stats().drops().toString());
        assertEquals(5, engine.stats().queued());
        assertEquals(5 * each, engine.stats().queuedBytes());
        // Serving the queue gives the bytes back.
        from("W", RawMdp.ready(MDP_0_2, "b"));
        sentTo("W");
        from("W", RawMdp.finalReply(MDP_0_2, "C", "r"));
        sentTo("C");
        sentTo("W");
        assertEquals(3 * each, engine.stats().queuedBytes());
        from("C", RawMdp.clientRequest(MDP_0_1, "b", body));
        assertEquals(4 * each, engine.stats().queuedBytes());
        assertEquals(2, engine.stats().dropped());
    }

    @Test
    void theDefaultsQueueABurstOf150000SmallRequests() {
        from("C", RawMdp.clientRequest(MDP_0_1, "echo", "warm-up"));
        for (int i = 1; i < 150_000; i++) {
            from("C", RawMdp.clientRequest(MDP_0_1, "echo", "request " + i));
        }
        assertEquals(150_000, engine.stats().queued());
        assertEquals(0, engine.stats().dropped(), engine.stats().drops().toString());
        assertTrue(engine.stats().queuedBytes() < BrokerConfig.builder().build().maxQueueBytesPerService());
    }

    @Test
    void dropsAreAnsweredOverMmiAndSummarizedOncePerInterval() {
        engine = engine(BrokerConfig.builder().maxQueuePerService(1));
        from("C", RawMdp.clientRequest(MDP_0_2, "svc", "kept"));
        for (int i = 0; i < 1000; i++) {
            from("C", RawMdp.clientRequest(MDP_0_2, "svc", "flood"));
        }
        from("C", List.of("MDPC02", "\u0009", "echo", "body"));
        from("M", RawMdp.clientRequest(MDP_0_1, "mmi.drops", "service queue full"));
        assertSent("M", RawMdp.clientFinal(MDP_0_1, "mmi.drops", "1000"));
        from("M", RawMdp.clientRequest(MDP_0_2, "mmi.drops", ""));
        List<String> all = sentTo("M");
        assertEquals("total=1001; service queue full=1000; unknown command=1", all.get(all.size() - 1),
                RawMdp.describe(all));
        from("M", RawMdp.clientRequest(MDP_0_2, "mmi.queue", "svc"));
        assertSent("M", RawMdp.clientFinal(MDP_0_2, "mmi.queue", "1"));
    }
}
