package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The guard against JeroMQ 0.6.0's negative frame sizes (issue 1005, CVE-2019-6250), driven with the exact bytes a
 * scanner sends over a real TCP connection to a bound socket: the server refuses them and serves a normal peer.
 */
class FrameGuardTest {
    private static final long LIMIT = 1024 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /**
     * The packet, and its cousin (negative as a long, 256 MiB as an int: eight of them took a queue from 75 MB to
     * 2 GB resident), three times each: every connection is dropped without an allocation, and a peer is served.
     */
    @ParameterizedTest
    @ValueSource(longs = {ZmtpAttack.SIZE_MINUS_ONE, ZmtpAttack.SIZE_256_MIB_AS_INT})
    void theCrashPacketIsRefusedInThePlainHandshakeAndThePeerIsServed(long size) throws Exception {
        FrameGuard guard = new FrameGuard("test");
        try (ZContext server = Contexts.create(); ZContext client = Contexts.create()) {
            ZMQ.Socket router = boundRouter(server, guard);
            int port = ZmtpAttack.port(router.getLastEndpoint());
            for (int i = 1; i <= 3; i++) {
                boolean closed = ZmtpAttack.send(port, ZmtpAttack.handshakePacket("NULL", size), 10_000);
                assertTrue(closed, "the server drops the connection of packet " + i);
                assertEquals(i, guard.refused());
            }
            assertServes(router, Sockets.create(client, SocketType.DEALER));
        }
    }

    @Test
    void theCrashPacketIsRefusedBeforeAnyCurveAuthentication() throws Exception {
        CurveFixture keys = CurveFixture.create(dir, "good").allow("good");
        FrameGuard guard = new FrameGuard("test");
        try (ZContext server = Contexts.create(); ZContext client = Contexts.create();
                ZapAuthenticator zap = keys.server().startAuthenticator(server, "test")) {
            ZMQ.Socket router = Sockets.create(server, SocketType.ROUTER, guard, LIMIT);
            keys.server().apply(router);
            router.bind("tcp://127.0.0.1:*");
            int port = ZmtpAttack.port(router.getLastEndpoint());
            for (long size : new long[] {ZmtpAttack.SIZE_MINUS_ONE, ZmtpAttack.SIZE_256_MIB_AS_INT}) {
                assertTrue(ZmtpAttack.send(port, ZmtpAttack.handshakePacket("CURVE", size), 10_000),
                        "the server drops the connection");
            }
            assertEquals(2, guard.refused());
            assertServes(router, Sockets.create(client, SocketType.DEALER, keys.client("good")));
            assertEquals(0, zap.refused(), "the packets never got as far as authentication");
        }
    }

    /**
     * After a plain handshake, the impossible frame reaches the application as an empty frame (counted), and the
     * rest of the stream is read on: the socket keeps serving the attacker's next frame and a normal peer.
     */
    @Test
    void afterThePlainHandshakeTheFrameArrivesEmptyAndIsCounted() throws Exception {
        FrameGuard guard = new FrameGuard("test");
        try (ZContext server = Contexts.create(); ZContext client = Contexts.create()) {
            ZMQ.Socket router = boundRouter(server, guard);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.writeBytes(ZmtpAttack.longFrameHeader(0, ZmtpAttack.SIZE_MINUS_ONE));
            stream.writeBytes(new byte[] {0, 2, 'h', 'i'}); // then a well-formed frame "hi"
            ZmtpAttack.sendAfterPlainHandshake(ZmtpAttack.port(router.getLastEndpoint()), "DEALER",
                    stream.toByteArray(), 500);

            ZMsg refused = ZMsg.recvMsg(router);
            assertNotNull(refused, "the refused frame arrives");
            assertEquals(0, refused.getLast().size(), "as an empty frame");
            ZMsg next = ZMsg.recvMsg(router);
            assertNotNull(next);
            assertArrayEquals(new byte[] {'h', 'i'}, next.getLast().getData());
            assertEquals(1, guard.refused());
            assertServes(router, Sockets.create(client, SocketType.DEALER));
        }
    }

    @Test
    void socketsGetTheLimitAsMaxMessageSize() {
        try (ZContext context = Contexts.create()) {
            ZMQ.Socket socket = Sockets.create(context, SocketType.ROUTER, new FrameGuard("test"), 4096);
            assertEquals(4096, socket.getMaxMsgSize());
            assertEquals(Sockets.DEFAULT_MAX_FRAME_BYTES, Sockets.create(context, SocketType.DEALER).getMaxMsgSize());
        }
    }

    private static ZMQ.Socket boundRouter(ZContext context, FrameGuard guard) {
        ZMQ.Socket router = Sockets.create(context, SocketType.ROUTER, guard, LIMIT);
        router.setReceiveTimeOut((int) DEADLINE.toMillis());
        router.bind("tcp://127.0.0.1:*");
        return router;
    }

    private static void assertServes(ZMQ.Socket router, ZMQ.Socket peer) {
        router.setReceiveTimeOut((int) DEADLINE.toMillis());
        peer.setReceiveTimeOut((int) DEADLINE.toMillis());
        peer.connect(router.getLastEndpoint());
        peer.send("ping");
        ZMsg request = ZMsg.recvMsg(router);
        assertNotNull(request, "a normal peer is still heard");
        assertEquals("ping", request.getLast().getString(ZMQ.CHARSET));
        request.getLast().reset("pong");
        request.send(router);
        assertEquals("pong", peer.recvStr(), "and answered");
    }
}
