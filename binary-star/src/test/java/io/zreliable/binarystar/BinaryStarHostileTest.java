package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.requestOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.ZmtpAttack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Strangers on an active primary's state port and client port: a 200,000-byte subscription (it overflowed JeroMQ's
 * recursive subscription trie on the pair's thread) and the 89-byte packet of CVE-2019-6250. The primary stays
 * active and serving, and a subscriber as the Guide's peers make one (subscribed to everything) still gets its
 * state.
 */
class BinaryStarHostileTest extends SocketTest {
    private static final Duration ANSWER = Duration.ofSeconds(5);

    @Test
    void aLongSubscriptionAndTheCrashPacketLeaveThePrimaryServing() throws Exception {
        ActivePrimary active = activePrimary();
        BinaryStar primary = active.primary();
        String voter = active.voter();
        assertTrue(ZmtpAttack.sendAfterPlainHandshake(ZmtpAttack.port(primary.localEndpoint()), "SUB",
                ZmtpAttack.subscription(200_000), 5_000), "the primary drops the connection of the long subscription");
        for (String port : List.of(primary.localEndpoint(), voter)) {
            assertTrue(ZmtpAttack.send(ZmtpAttack.port(port),
                    ZmtpAttack.handshakePacket("NULL", ZmtpAttack.SIZE_MINUS_ONE), 5_000), "dropped: " + port);
        }
        assertTrue(primary.frameGuard().refused() >= 2, primary.frameGuard().toString());

        ZMQ.Socket guidePeer = ctx.createSocket(SocketType.SUB);
        guidePeer.setLinger(0);
        guidePeer.subscribe(ZMQ.SUBSCRIPTION_ALL);
        guidePeer.setReceiveTimeOut((int) ANSWER.toMillis());
        guidePeer.connect(primary.localEndpoint());
        active.sendBackupState();
        assertEquals(Integer.toString(BstarProtocol.STATE_ACTIVE), guidePeer.recvStr(), "the state still flows");
        assertEquals("after", requestOnce(ctx, voter, "after", ANSWER));
        assertEquals(BstarState.ACTIVE, primary.state());
        assertFalse(primary.termination().isDone());
    }

}
