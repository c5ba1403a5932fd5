package io.zreliable.common;

import org.zeromq.ZMQ;

/**
 * Called by a {@link Reactor} on its own thread when a registered socket has a message to read. The handler should
 * read at least one message; the reactor calls it again while the socket stays readable.
 */
@FunctionalInterface
public interface SocketHandler {
    void onReadable(ZMQ.Socket socket);
}
