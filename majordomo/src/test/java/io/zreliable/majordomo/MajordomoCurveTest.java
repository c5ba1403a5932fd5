package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.CurveFixture;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.ZapAuthenticator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CURVE broker with an allow-list: allowed workers and clients work; unknown keys and plain text get nothing. */
class MajordomoCurveTest {
    private static final RetryPolicy SHORT = RetryPolicy.builder().timeoutMillis(500).attempts(2).build();
    private static final RetryPolicy PATIENT = RetryPolicy.builder().timeoutMillis(10_000).attempts(2).build();

    @TempDir
    Path dir;

    private final MdpTestKit kit = new MdpTestKit();
    private CurveFixture curve;
    private MajordomoBroker broker;
    private String endpoint;

    @BeforeEach
    void setUp() {
        curve = CurveFixture.create(dir, "worker", "client", "stranger").allow("worker", "client");
        broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*").heartbeat(MdpTestKit.HEARTBEAT)
                .curve(curve.server()));
        endpoint = broker.endpoints().get(0);
        MajordomoWorker worker = new MajordomoWorker(WorkerConfig.builder("echo").connect(endpoint)
                .heartbeat(MdpTestKit.HEARTBEAT).backoff(MdpTestKit.BACKOFF).curve(keys("worker")).build(),
                request -> request);
        closeLater(worker.start());
        Await.until("the CURVE worker registered", () -> broker.stats().workers() == 1);
    }

    @AfterEach
    void tearDown() {
        kit.close();
    }

    @Test
    void allowedClientsAreServedOverCurve() throws Exception {
        MajordomoClient client = closeLater(new MajordomoClient(List.of(endpoint), PATIENT, keys("client")));
        assertEquals("hello", client.send("echo", "hello"));

        AsyncMajordomoClient async = closeLater(AsyncMajordomoClient.builder().connect(endpoint)
                .retryPolicy(PATIENT).connections(2).curve(keys("client")).build());
        assertEquals("async", async.send("echo", "async").get(30, TimeUnit.SECONDS));
        assertTrue(broker.authenticator().orElseThrow().allowed() >= 2);
    }

    @Test
    void theBrokersOwnKeyIsLetInWithoutBeingListed() {
        // What broker --titanic uses for the Titanic beside it.
        MajordomoClient self = closeLater(new MajordomoClient(List.of(endpoint), PATIENT,
                broker.config().curve().orElseThrow().selfClient()));
        assertEquals("self", self.send("echo", "self"));
    }

    @Test
    void unknownKeyAndPlainTextGetNothingWhileAllowedClientsKeepBeingServed() {
        MajordomoClient allowed = closeLater(new MajordomoClient(List.of(endpoint), PATIENT, keys("client")));
        assertEquals("before", allowed.send("echo", "before"));
        long requestsBefore = broker.stats().requests();

        MajordomoClient stranger = closeLater(new MajordomoClient(List.of(endpoint), SHORT, keys("stranger")));
        assertThrows(RequestTimeoutException.class, () -> stranger.send("echo", "let me in"));
        assertEquals("during", allowed.send("echo", "during"));

        MajordomoClient plain = closeLater(new MajordomoClient(List.of(endpoint), SHORT));
        assertThrows(RequestTimeoutException.class, () -> plain.send("echo", "plain text"));

        // A client with the right own key but the wrong idea of the broker's key fails the handshake too.
        MajordomoClient wrongServer = closeLater(new MajordomoClient(List.of(endpoint), SHORT,
                CurveClientKeys.load(curve.publicFile("stranger"), curve.secret("client"))));
        assertThrows(RequestTimeoutException.class, () -> wrongServer.send("echo", "wrong server key"));

        assertEquals("after", allowed.send("echo", "after"));
        ZapAuthenticator zap = broker.authenticator().orElseThrow();
        assertTrue(zap.refused() >= 1, "the stranger's key was refused: " + zap.refused());
        assertEquals(requestsBefore + 2, broker.stats().requests(), "only the allowed client's requests arrived");
    }

    @Test
    void aKeyAddedToTheAllowListIsLetInWithoutRestart() throws Exception {
        MajordomoClient stranger = closeLater(new MajordomoClient(List.of(endpoint), SHORT, keys("stranger")));
        assertThrows(RequestTimeoutException.class, () -> stranger.send("echo", "no"));
        curve.allow("stranger");
        MajordomoClient welcome = closeLater(new MajordomoClient(List.of(endpoint), PATIENT, keys("stranger")));
        assertEquals("yes", welcome.send("echo", "yes"));
    }

    private CurveClientKeys keys(String own) {
        return curve.client(own);
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        kit.track(resource);
        return resource;
    }
}
