package io.zreliable.binarystar;

import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The application's request handler behind a Binary Star voter socket. Called on the {@link BinaryStar}'s reactor
 * thread, only for requests this server may serve (it is, or just became, active); requests reaching a server that
 * may not serve them are dropped unanswered, so the client's timeout sends it to the other server.
 */
@FunctionalInterface
public interface VoterHandler {
    /**
     * Serves {@code request}, read whole from {@code socket} (with the ROUTER envelope, if any); a reply is sent on
     * the same socket.
     */
    void onRequest(ZMQ.Socket socket, ZMsg request);
}
