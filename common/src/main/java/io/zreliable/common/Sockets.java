package io.zreliable.common;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Creates ZeroMQ sockets with the options every peer of the project needs. */
public final class Sockets {
    /**
     * ZMTP handshake limit. JeroMQ 0.6.0 now and then stalls a TCP handshake (one side's greeting sits unread; seen
     * in a few percent of connections between sockets of different contexts in one JVM). Its default limit, 30 s,
     * leaves such a connection dead that long; with one second the stalled side drops it and reconnects.
     */
    public static final int HANDSHAKE_MILLIS = 1000;
    /** Longest a send on a connecting socket may block (see {@link #create(ZContext, SocketType, CurveClientKeys)}). */
    public static final int SEND_TIMEOUT_MILLIS = 1000;

    private Sockets() {
    }

    /** A socket of {@code type} with the short handshake limit and no linger (the owner sets linger if it needs). */
    public static ZMQ.Socket create(ZContext context, SocketType type) {
        Require.notNull(context, "context");
        Require.notNull(type, "socket type");
        ZMQ.Socket socket = context.createSocket(type);
        socket.setHandshakeIvl(HANDSHAKE_MILLIS);
        socket.setLinger(0);
        return socket;
    }

    /**
     * A socket that connects and must never block its sender for long: a CURVE client when {@code curve} is set (null
     * for plain text), with a send timeout of {@value #SEND_TIMEOUT_MILLIS} ms. A DEALER whose connection was refused
     * (say its CURVE key is not allowed) has no pipe, and a blocking send would hang the caller, or a reactor thread,
     * for good; after the timeout the message is not sent, and the caller's timeout and retry treat it as lost. (Not
     * 0: right after connect JeroMQ may briefly take no message, and a first request or READY must not be lost.)
     */
    public static ZMQ.Socket create(ZContext context, SocketType type, CurveClientKeys curve) {
        ZMQ.Socket socket = create(context, type);
        socket.setSendTimeOut(SEND_TIMEOUT_MILLIS);
        if (curve != null) {
            curve.apply(socket);
        }
        return socket;
    }
}
