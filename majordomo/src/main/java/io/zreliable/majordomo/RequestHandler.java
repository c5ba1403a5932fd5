package io.zreliable.majordomo;

import org.zeromq.ZMsg;

/**
 * A Majordomo worker's business logic: request body frames in, reply body frames out. Called on the worker's handler
 * thread, one request at a time, so it may block without stopping the worker's heartbeats.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Handles one request.
     *
     * @param request the request body frames (at least one); the handler owns the message
     * @return the reply body frames (at least one). Throwing, or returning null or an empty message, sends no reply:
     *     the failure is logged and the worker registers again, so the client's retry can reach a worker
     */
    ZMsg handle(ZMsg request) throws Exception;
}
