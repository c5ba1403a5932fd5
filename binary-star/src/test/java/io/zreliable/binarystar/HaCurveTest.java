package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.endpoint;
import static io.zreliable.binarystar.TestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveFixture;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An HA broker with CURVE: its gate speaks CURVE too, so allowed clients can vote it active and be served. */
class HaCurveTest extends SocketTest {
    private static final HeartbeatConfig MDP_HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(3)
            .build();

    @TempDir
    Path dir;

    @Test
    void aPairSharingTheBrokerKeysExchangesStatesOverCurveAndIgnoresAnImpostor() {
        CurveFixture curve = CurveFixture.create(dir);
        CurveFixture other = CurveFixture.create(dir.resolve("other"));
        int primaryState = freePort();
        int backupState = freePort();
        BinaryStar primary = track(new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.PRIMARY)
                .local(endpoint(primaryState)).peer(endpoint(backupState)).heartbeatMillis(50)
                .stateCurve(curve.server()).build()));
        BinaryStar backup = track(new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.BACKUP)
                .local(endpoint(backupState)).peer(endpoint(primaryState)).heartbeatMillis(50)
                .stateCurve(curve.server()).build()));
        primary.start();
        backup.start();
        TestSupport.await("primary active and backup passive over CURVE",
                () -> primary.state() == BstarState.ACTIVE && backup.state() == BstarState.PASSIVE);

        // A server with another key pair cannot pass the handshake to feed its states to a member of the pair.
        int impostorState = freePort();
        BinaryStar impostor = track(new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.BACKUP)
                .local(endpoint(impostorState)).peer(endpoint(freePort())).heartbeatMillis(50)
                .stateCurve(other.server()).build()));
        BinaryStar listener = track(new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.PRIMARY)
                .local(endpoint(freePort())).peer(endpoint(impostorState)).heartbeatMillis(50)
                .stateCurve(curve.server()).build()));
        impostor.start();
        listener.start();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            // A primary that heard a backup's state would be ACTIVE; one that hears nothing waits for a client.
            assertEquals(BstarState.PRIMARY, listener.state(), "a state from a publisher with another key got through");
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
    }

    @Test
    void allowedClientsVoteALonePrimaryActiveAndAreServedOverCurve() throws Exception {
        CurveFixture curve = CurveFixture.create(dir, "worker", "client").allow("worker", "client");
        String endpoint = endpoint(freePort());
        BinaryStarConfig pair = BinaryStarConfig.builder().role(Role.PRIMARY).local(endpoint(freePort()))
                .peer(endpoint(freePort())).heartbeatMillis(100).build();
        HaMajordomoBroker ha = track(new HaMajordomoBroker(pair, BrokerConfig.builder().bind(endpoint)
                .heartbeat(MDP_HEARTBEAT).curve(curve.server()).build()))
                .start();
        track(new MajordomoWorker(WorkerConfig.builder("echo").connect(endpoint).heartbeat(MDP_HEARTBEAT)
                .backoff(BackoffConfig.builder().initialMillis(50).maxMillis(200).build()).curve(curve.client("worker"))
                .build(), request -> request)).start();

        MajordomoClient plain = track(new MajordomoClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(300).attempts(2).build()));
        assertThrows(RequestTimeoutException.class, () -> plain.send("echo", "plain"));
        assertTrue(ha.broker().isEmpty(), "plain text cannot vote");

        MajordomoClient client = track(new MajordomoClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(1_000).attempts(15).build(), curve.client("client")));
        assertEquals("over curve", client.send("echo", "over curve"));
        assertEquals(BstarState.ACTIVE, ha.state());
        assertTrue(ha.broker().orElseThrow().authenticator().orElseThrow().allowed() >= 2);
    }
}
