package io.zreliable.majordomo;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Creates the module's sockets with the options every MDP peer needs. */
final class MdpSockets {
    /**
     * ZMTP handshake limit. JeroMQ 0.6.0 occasionally stalls a TCP handshake (a greeting sits unread; seen in a few
     * percent of connections when several contexts share a JVM); its default limit of 30 s would leave such a
     * connection dead that long. One second makes the stalled side drop the connection and reconnect.
     */
    static final int HANDSHAKE_MILLIS = 1000;

    private MdpSockets() {
    }

    static ZMQ.Socket create(ZContext context, SocketType type) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setHandshakeIvl(HANDSHAKE_MILLIS);
        socket.setLinger(0);
        return socket;
    }
}
