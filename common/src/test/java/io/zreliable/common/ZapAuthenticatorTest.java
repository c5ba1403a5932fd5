package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** A CURVE ROUTER echo guarded by the allow-list, with allowed, unknown-key and plain-text DEALERs. */
class ZapAuthenticatorTest {
    @TempDir
    Path dir;

    @Test
    void onlyAllowListedKeysGetThrough() throws Exception {
        CurveFixture keys = CurveFixture.create(dir, "good", "bad").allow("good");
        CurveServerKeys server = keys.server();
        CurveCertificate serverPublic = CurveCertificate.readPublic(keys.serverPublicFile());

        try (ZContext serverContext = new ZContext(); ZContext clientContext = new ZContext();
                ZapAuthenticator zap = server.startAuthenticator(serverContext, "test")) {
            ZMQ.Socket router = serverContext.createSocket(SocketType.ROUTER);
            server.apply(router);
            router.bind("tcp://127.0.0.1:*");
            String endpoint = router.getLastEndpoint();

            ZMQ.Socket unknown = dealer(clientContext, endpoint, keys.client("bad"));
            ZMQ.Socket plain = dealer(clientContext, endpoint, null);
            ZMQ.Socket good = dealer(clientContext, endpoint,
                    CurveClientKeys.of(serverPublic, CurveCertificate.readSecret(keys.secret("good"))));
            unknown.send("from unknown");
            plain.send("from plain");
            good.send("from good");

            router.setReceiveTimeOut(10_000);
            byte[] identity = router.recv();
            assertEquals("from good", router.recvStr());
            router.sendMore(identity);
            router.send("echo");
            assertEquals("echo", good.recvStr());

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (zap.refused() < 1 && System.nanoTime() < deadline) {
                router.setReceiveTimeOut(50);
                assertNull(router.recv(), "nothing but the allowed client may get through");
            }
            assertTrue(zap.refused() >= 1, "the unknown key was refused");
            assertTrue(zap.allowed() >= 1);
            router.setReceiveTimeOut(300);
            assertNull(router.recv(), "neither the unknown key nor plain text got a message through");
        }
    }

    /** An attacker with a new key each time cannot flood the log: past the rate limit lines are only counted. */
    @Test
    void refusalsOfManyNewKeysAreLoggedRateLimited() throws Exception {
        int attackers = RateLimitedLog.LINES_PER_WINDOW + 5;
        String[] names = new String[attackers];
        for (int i = 0; i < attackers; i++) {
            names[i] = "attacker" + i;
        }
        CurveFixture keys = CurveFixture.create(dir, names);
        try (ZContext serverContext = new ZContext(); ZContext clientContext = new ZContext();
                ZapAuthenticator zap = keys.server().startAuthenticator(serverContext, "test")) {
            ZMQ.Socket router = serverContext.createSocket(SocketType.ROUTER);
            keys.server().apply(router);
            router.bind("tcp://127.0.0.1:*");
            for (String name : names) {
                dealer(clientContext, router.getLastEndpoint(), keys.client(name)).send("let me in");
            }
            Eventually.until("every new key refused", java.time.Duration.ofSeconds(20),
                    () -> zap.suppressedWarnings() >= 5, () -> "refused " + zap.refused());
            assertEquals(5, zap.suppressedWarnings(), "ten keys logged, five only counted");
            assertTrue(zap.refused() >= attackers);
        }
    }

    private static ZMQ.Socket dealer(ZContext context, String endpoint, CurveClientKeys keys) {
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        if (keys != null) {
            keys.apply(socket);
        }
        socket.connect(endpoint);
        socket.setReceiveTimeOut(10_000);
        return socket;
    }
}
