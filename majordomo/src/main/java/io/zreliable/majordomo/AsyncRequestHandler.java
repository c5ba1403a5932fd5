package io.zreliable.majordomo;

import java.util.concurrent.CompletionStage;
import org.zeromq.ZMsg;

/**
 * A Majordomo worker's business logic when the reply comes later: the handler starts the work and returns at once
 * with a stage that completes with the reply body. Called on the worker's socket thread, so it must not block;
 * the worker keeps heartbeating while the stage is open and sends the REPLY when it completes, on whatever thread
 * that happens. MDP still gives the worker one request at a time: the next one comes after this reply.
 *
 * @see MajordomoWorker#async(WorkerConfig, AsyncRequestHandler)
 */
@FunctionalInterface
public interface AsyncRequestHandler {

    /**
     * Starts handling one request.
     *
     * @param request the request body frames (at least one); the handler owns the message
     * @return a stage completing with the reply body frames (at least one). It must complete: bound the work with a
     *     timeout. Completing exceptionally, or with null or an empty message, sends no reply: the failure is logged
     *     and the worker registers again, so the client's retry can reach a worker
     */
    CompletionStage<ZMsg> handle(ZMsg request) throws Exception;
}
