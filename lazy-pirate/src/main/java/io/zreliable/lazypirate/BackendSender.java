package io.zreliable.lazypirate;

import java.util.Iterator;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * Sends to one worker over the queue's backend ROUTER, which is set to ZMQ_ROUTER_MANDATORY so that a worker whose
 * connection is gone (or whose pipe is full) is reported at once instead of its messages vanishing silently; the
 * queue then forgets that worker without waiting for its expiry. Never blocks. Reactor thread only.
 */
final class BackendSender {
    private static final byte[] HEARTBEAT = {PppProtocol.HEARTBEAT};

    private final ZMQ.Socket backend;

    BackendSender(ZMQ.Socket backend) {
        this.backend = backend;
        backend.setRouterMandatory(true);
    }

    /**
     * Sends {@code msg} to the worker, leaving {@code msg} intact. False when the worker cannot be reached now; then
     * nothing was sent.
     */
    boolean send(byte[] workerId, ZMsg msg) {
        if (!sendRoutingId(workerId)) {
            return false;
        }
        // Once the routing id is accepted the pipe is reserved for the whole message.
        Iterator<ZFrame> frames = msg.iterator();
        while (frames.hasNext()) {
            byte[] data = frames.next().getData();
            backend.send(data, frames.hasNext() ? ZMQ.SNDMORE : 0);
        }
        return true;
    }

    /** Sends a HEARTBEAT to the worker; false when it cannot be reached now. */
    boolean heartbeat(byte[] workerId) {
        if (!sendRoutingId(workerId)) {
            return false;
        }
        backend.send(HEARTBEAT, 0);
        return true;
    }

    private boolean sendRoutingId(byte[] workerId) {
        try {
            return backend.send(workerId, ZMQ.SNDMORE | ZMQ.DONTWAIT);
        } catch (ZMQException e) {
            if (e.getErrorCode() == ZMQ.Error.EHOSTUNREACH.getCode()) {
                return false;
            }
            throw e;
        }
    }
}
