package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.HEARTBEAT_MS;
import static io.zreliable.binarystar.TestSupport.await;
import static io.zreliable.binarystar.TestSupport.endpoint;
import static io.zreliable.binarystar.TestSupport.freePort;
import static io.zreliable.binarystar.TestSupport.requestOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.EndpointException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;

/**
 * A peer whose host does not resolve (yet: say its container is not up) does not stop a server from starting: it
 * is retried every heartbeat and counts as silent, so the primary serves alone. A client whose servers do not
 * resolve gets one clear error.
 */
class UnresolvablePeerTest extends SocketTest {
    private static final Duration ANSWER = Duration.ofSeconds(5);

    @Test
    void aPrimaryWhosePeerDoesNotResolveStartsAndServesAlone() {
        BinaryStar primary = new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.PRIMARY)
                .local(endpoint(freePort())).peer("tcp://backup.invalid:5004").heartbeatMillis(HEARTBEAT_MS)
                .build());
        track(primary);
        String voter = primary.voter(endpoint(freePort()), SocketType.ROUTER, TestSupport::echo);
        primary.start();
        await("the primary answers alone", () -> "hi".equals(requestOnce(ctx, voter, "hi", ANSWER)));
        assertEquals(BstarState.ACTIVE, primary.state());
        assertFalse(primary.isPeerAlive());
    }

    @Test
    void aClientWhoseServersDoNotResolveSaysSo() {
        try (BinaryStarClient client = BinaryStarClient.builder().primary("tcp://primary.invalid:5001")
                .backup("tcp://backup.invalid:5002").build()) {
            EndpointException e = assertThrows(EndpointException.class, () -> client.request("hi"));
            assertEquals("no endpoint can be connected: cannot connect to tcp://primary.invalid:5001: host "
                    + "'primary.invalid' does not resolve; cannot connect to tcp://backup.invalid:5002: host "
                    + "'backup.invalid' does not resolve", e.getMessage());
        }
    }
}
