package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveFixture;
import io.zreliable.common.Frames;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Titanic, its clients and the service's worker all reach a CURVE broker with allow-listed keys. */
class TitanicCurveTest {
    @TempDir
    Path dir;

    @Test
    void titanicWorksThroughACurveBrokerAndStrangersGetNothing() throws Exception {
        CurveFixture curve = CurveFixture.create(dir, "titanic", "worker", "client", "stranger")
                .allow("titanic", "worker", "client");
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS))
                .curve(curve.server()).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            TitanicConfig config = TitanicConfig.builder(TitanicStoreConfig.of(dir.resolve("store")))
                    .connect(endpoint).heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS))
                    .reconnectBackoff(BackoffConfig.builder().initialMillis(50).maxMillis(500).build())
                    .retryBackoff(BackoffConfig.builder().initialMillis(50).maxMillis(400).build())
                    .requestWorkers(2) // each worker is a CURVE handshake: keep the loaded test box's share small
                    .curve(curve.client("titanic")).build();
            WorkerConfig worker = WorkerConfig.builder("echo").connect(endpoint)
                    .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).curve(curve.client("worker")).build();
            RetryPolicy patient = RetryPolicy.builder().timeoutMillis(10_000).attempts(2).build();
            try (Titanic titanic = Titanic.start(config);
                    MajordomoWorker echo = new MajordomoWorker(worker, request -> request).start();
                    TitanicClient client = new TitanicClient(List.of(endpoint), patient, curve.client("client"));
                    TitanicClient stranger = new TitanicClient(List.of(endpoint),
                            RetryPolicy.builder().timeoutMillis(500).attempts(1).build(), curve.client("stranger"))) {
                List<byte[]> reply = client.call("echo", List.of(Frames.utf8("secret")), Duration.ofSeconds(30));
                assertEquals("secret", Frames.text(reply.get(0)));
                assertThrows(RequestTimeoutException.class,
                        () -> stranger.submit("echo", List.of(Frames.utf8("no"))));
                assertTrue(broker.authenticator().orElseThrow().refused() >= 1);
                // Counted by the delivery thread after the commit the client may already have read.
                TitanicTest.await("the stored reply counted", () -> titanic.delivered() >= 1);
                assertEquals(1, titanic.delivered());
            }
        }
    }
}
