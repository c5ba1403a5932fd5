package io.zreliable.broker.bench;

import org.zeromq.ZMQ;

/** The bench's echo peers: a message's frames sent straight back on the socket they came from. */
final class Echo {
    private Echo() {
    }

    /**
     * Receives one message (waiting as the socket's receive timeout says) and sends every frame of it back.
     *
     * @return false when nothing came (timeout, or the context is closing)
     */
    static boolean once(ZMQ.Socket socket) {
        byte[] frame = socket.recv(0);
        if (frame == null) {
            return false;
        }
        boolean more = socket.hasReceiveMore();
        socket.send(frame, more ? ZMQ.SNDMORE : 0);
        while (more) {
            frame = socket.recv(0);
            more = socket.hasReceiveMore();
            socket.send(frame, more ? ZMQ.SNDMORE : 0);
        }
        return true;
    }
}
