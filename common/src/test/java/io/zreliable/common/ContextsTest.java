package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class ContextsTest {
    @AfterEach
    void restoreTheDefault() {
        Contexts.onFatal(Contexts.EXIT);
    }

    @Test
    void theDefaultDecisionIsToExitWithStatusOne() {
        assertSame(Contexts.EXIT, Contexts.fatalHandler());
        assertEquals(1, Contexts.EXIT_FATAL);
    }

    /**
     * Without the guard, JeroMQ 0.6.0's engine throws inside the I/O thread and the socket goes deaf; the context
     * reports it to the fatal handler, so the server is never alive and deaf unnoticed. (The broken context is left
     * open on purpose: closing it waits for the stuck engine.)
     */
    @Test
    void anUnguardedEngineFailureReachesTheFatalHandler() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        Contexts.onFatal((thread, error) -> reported.complete(error));
        long before = Contexts.fatalErrors();
        ZContext context = Contexts.create();
        ZMQ.Socket unguarded = context.createSocket(SocketType.ROUTER);
        unguarded.bind("tcp://127.0.0.1:*");
        ZmtpAttack.send(ZmtpAttack.port(unguarded.getLastEndpoint()),
                ZmtpAttack.handshakePacket("NULL", ZmtpAttack.SIZE_MINUS_ONE), 200);
        Throwable error = reported.get(10, TimeUnit.SECONDS);
        assertNotNull(error);
        assertTrue(error instanceof NegativeArraySizeException, error.toString());
        assertEquals(before + 1, Contexts.fatalErrors());
    }

    /** Peers that reset their connection at once cost only that connection, never the process. */
    @Test
    void connectionsResetAtOnceAreNotFatal() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        Contexts.onFatal((thread, error) -> reported.complete(error));
        try (ZContext server = Contexts.create(); ZContext client = Contexts.create()) {
            ZMQ.Socket router = Sockets.create(server, SocketType.ROUTER);
            router.bind("tcp://127.0.0.1:*");
            int port = ZmtpAttack.port(router.getLastEndpoint());
            for (int i = 0; i < 200; i++) {
                try (java.net.Socket reset = new java.net.Socket("127.0.0.1", port)) {
                    reset.setSoLinger(true, 0); // close sends RST
                }
            }
            ZMQ.Socket dealer = Sockets.create(client, SocketType.DEALER);
            dealer.connect(router.getLastEndpoint());
            dealer.send("ping");
            router.setReceiveTimeOut(10_000);
            assertNotNull(router.recv(), "still serving");
            assertTrue(!reported.isDone(), "no fatal report: " + reported.getNow(null));
        }
    }

    @Test
    void anErrorEndingAReactorLoopReachesTheFatalHandler() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        Contexts.onFatal((thread, error) -> reported.complete(error));
        try (Reactor reactor = new Reactor(Clock.system())) {
            reactor.execute(() -> {
                throw new StackOverflowError("test");
            });
            reactor.start("test-reactor");
            assertTrue(reported.get(10, TimeUnit.SECONDS) instanceof StackOverflowError);
        }
    }
}
