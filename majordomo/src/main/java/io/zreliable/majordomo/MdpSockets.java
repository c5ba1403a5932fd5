package io.zreliable.majordomo;

import io.zreliable.common.CurveClientKeys;
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
        // Never block a sender: a DEALER whose connection was refused (e.g. a CURVE key not allowed) has no pipe, and
        // a blocking send would hang the caller, or a reactor thread, for good. A message that cannot be queued is
        // not sent; the request's timeout and retry, or the worker's liveness check, handle it like a lost one.
        socket.setSendTimeOut(0);
        return socket;
    }

    /** A socket that connects: with {@code curve} (may be null for plain text) it is a CURVE client. */
    static ZMQ.Socket create(ZContext context, SocketType type, CurveClientKeys curve) {
        ZMQ.Socket socket = create(context, type);
        if (curve != null) {
            curve.apply(socket);
        }
        return socket;
    }
}
