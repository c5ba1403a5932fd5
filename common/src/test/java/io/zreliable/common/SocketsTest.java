package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

class SocketsTest {

    @Test
    void socketsGetTheShortHandshakeLimitAndNoLinger() {
        try (ZContext context = new ZContext()) {
            ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER);
            assertEquals(Sockets.HANDSHAKE_MILLIS, socket.getHandshakeIvl());
            assertEquals(0, socket.getLinger());
        }
    }

    /**
     * Many fresh connections between two contexts: with JeroMQ's 30 s default a few of them stall; with the short
     * limit every message arrives well within the 10 s each receive allows.
     */
    @Test
    void freshConnectionsBetweenContextsAllDeliver() {
        for (int i = 0; i < 60; i++) {
            try (ZContext serverContext = new ZContext(); ZContext clientContext = new ZContext()) {
                ZMQ.Socket server = Sockets.create(serverContext, SocketType.ROUTER);
                server.bind("tcp://127.0.0.1:*");
                ZMQ.Socket client = Sockets.create(clientContext, SocketType.DEALER);
                client.connect(server.getLastEndpoint());
                client.send("ping " + i);
                server.setReceiveTimeOut(10_000);
                ZMsg msg = ZMsg.recvMsg(server);
                assertNotNull(msg, "connection " + i + " delivered nothing");
                assertEquals("ping " + i, msg.getLast().getString(ZMQ.CHARSET));
            }
        }
    }
}
