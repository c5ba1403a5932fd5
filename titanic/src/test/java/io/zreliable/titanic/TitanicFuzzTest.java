package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.FrameFuzzer;
import io.zreliable.common.Frames;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMsg;

/**
 * Malformed TSP (bad uuids, path-like and unprintable service names, missing and extra frames, oversized bodies)
 * sent to a running Titanic through a real broker, while a client keeps using it: every bad request is answered
 * (400, or 500 for an oversized one), counted, and nothing is written outside the store directory.
 */
class TitanicFuzzTest {
    private static final int MESSAGES = 300;
    private static final Set<String> STATUSES = Set.of(TspProtocol.OK, TspProtocol.PENDING, TspProtocol.UNKNOWN,
            TspProtocol.ERROR);

    @TempDir
    Path dir;

    @Test
    void malformedTspRequestsAreAnsweredCountedAndStayInTheStore() throws Exception {
        FrameFuzzer fuzz = new FrameFuzzer(FrameFuzzer.seed(9_0009L));
        Path store = dir.resolve("store");
        // The broker lets the fuzzer's many-frame messages through, so that they reach Titanic (its own cap is
        // tested in BrokerLimitsTest).
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .maxFrames(FrameFuzzer.MANY_FRAMES + 100)
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            TitanicConfig config = TitanicConfig.builder(TitanicStoreConfig.of(store)).connect(endpoint)
                    .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS))
                    .reconnectBackoff(BackoffConfig.builder().initialMillis(50).maxMillis(500).build())
                    .retryBackoff(BackoffConfig.builder().initialMillis(50).maxMillis(400).build()).build();
            RetryPolicy patient = RetryPolicy.builder().timeoutMillis(10_000).attempts(3).build();
            try (Titanic titanic = Titanic.start(config);
                    MajordomoWorker echo = new MajordomoWorker(WorkerConfig.builder("echo").connect(endpoint)
                            .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build(), r -> r).start();
                    TitanicClient client = new TitanicClient(List.of(endpoint), patient);
                    MajordomoClient raw = new MajordomoClient(List.of(endpoint), patient)) {
                assertEquals("before", call(client, "before"), fuzz.toString());
                String known = client.submit("echo", List.of(Frames.utf8("known")));

                for (int i = 0; i < MESSAGES; i++) {
                    String service = switch (fuzz.random().nextInt(3)) {
                        case 0 -> TspProtocol.REQUEST;
                        case 1 -> TspProtocol.REPLY;
                        default -> TspProtocol.CLOSE;
                    };
                    List<byte[]> body = body(fuzz, service, known);
                    ZMsg reply = raw.send(service, fuzz.message(body));
                    String status = TspProtocol.statusCode(reply.getFirst().getData());
                    assertTrue(STATUSES.contains(status), service + " answered " + status + " " + fuzz);
                    if (i % 100 == 99) {
                        assertEquals("during " + i, call(client, "during " + i), fuzz.toString());
                    }
                }

                assertEquals("after", call(client, "after"), fuzz.toString());
                assertTrue(titanic.malformed() > MESSAGES / 4, "malformed counted: " + titanic.malformed() + fuzz);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            Set<Path> outside = files.filter(p -> !p.equals(dir) && !p.startsWith(store)).collect(Collectors.toSet());
            assertEquals(Set.of(), outside, "Titanic wrote outside its store " + fuzz);
        }
    }

    /** A hostile body: mostly a broken well-formed one, else a hostile uuid or service name on purpose. */
    private static List<byte[]> body(FrameFuzzer fuzz, String service, String known) {
        boolean request = service.equals(TspProtocol.REQUEST);
        if (fuzz.random().nextInt(3) == 0) {
            byte[] hostile = Frames.utf8(fuzz.hostileString());
            return request ? List.of(hostile, Frames.utf8("body")) : List.of(hostile);
        }
        return fuzz.mutate(request ? List.of(Frames.utf8("echo"), Frames.utf8("body")) : List.of(Frames.utf8(known)));
    }

    private static String call(TitanicClient client, String text) {
        return Frames.text(client.call("echo", List.of(Frames.utf8(text)), Duration.ofSeconds(30)).get(0));
    }
}
