package io.zreliable.common;

import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Creates every ZeroMQ socket of the project, with the options each needs: a short handshake limit, no linger, a
 * receive high-water mark, and a {@link FrameGuard} with a frame size limit, so that no socket hands JeroMQ's
 * decoder an impossible size to allocate.
 */
public final class Sockets {
    /**
     * ZMTP handshake limit. JeroMQ 0.6.0 now and then stalls a TCP handshake (one side's greeting sits unread; seen
     * in a few percent of connections between sockets of different contexts in one JVM). Its default limit, 30 s,
     * leaves such a connection dead that long; with one second the stalled side drops it and reconnects.
     */
    public static final int HANDSHAKE_MILLIS = 1000;
    /** Longest a send on a connecting socket may block (see {@link #create(ZContext, SocketType, CurveClientKeys)}). */
    public static final int SEND_TIMEOUT_MILLIS = 1000;
    /** Largest frame a socket takes unless its component sets its own limit. */
    public static final long DEFAULT_MAX_FRAME_BYTES = 16L * 1024 * 1024;
    /** Messages a socket queues per peer on receipt unless its component sets its own (JeroMQ's default too). */
    public static final int DEFAULT_RECEIVE_HWM = 1000;
    /** The guard of sockets created without one: clients and workers, which connect rather than bind. */
    private static final FrameGuard SHARED_GUARD = new FrameGuard("zreliable");

    private Sockets() {
    }

    /**
     * A socket of {@code type} with the short handshake limit, no linger (the owner sets linger if it needs), the
     * default receive high-water mark and frames up to {@value #DEFAULT_MAX_FRAME_BYTES} bytes, refused ones counted
     * in a process-wide guard ({@link #sharedGuard()}).
     */
    public static ZMQ.Socket create(ZContext context, SocketType type) {
        return create(context, type, SHARED_GUARD, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * Like {@link #create(ZContext, SocketType)}, with the component's own guard (its counter is the component's) and
     * frame size limit ({@code ZMQ_MAXMSGSIZE}).
     */
    public static ZMQ.Socket create(ZContext context, SocketType type, FrameGuard guard, long maxFrameBytes) {
        Require.notNull(context, "context");
        Require.notNull(type, "socket type");
        Require.notNull(guard, "frame guard");
        ZMQ.Socket socket = context.createSocket(type);
        try {
            guard.apply(socket, maxFrameBytes, type.name());
            socket.setHandshakeIvl(HANDSHAKE_MILLIS);
            socket.setLinger(0);
            socket.setRcvHWM(DEFAULT_RECEIVE_HWM);
        } catch (RuntimeException e) {
            context.destroySocket(socket);
            throw e;
        }
        return socket;
    }

    /** The guard of the sockets created without a component guard. */
    public static FrameGuard sharedGuard() {
        return SHARED_GUARD;
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
