package io.zreliable.majordomo;

import org.zeromq.ZMsg;

/**
 * A Majordomo worker's business logic when the reply comes in parts (MDP/0.2): send each part but the last through
 * the {@link ReplyStream}, then return the last. Runs where a {@link RequestHandler} runs: on the worker's handler
 * thread, one request at a time, or inline with {@link WorkerConfig.Builder#inlineHandler(boolean)}.
 *
 * <pre>{@code
 * StreamingRequestHandler countdown = (request, stream) -> {
 *     for (int i = 3; i > 0; i--) {
 *         stream.partial(ZMsg.newStringMsg(Integer.toString(i)));
 *     }
 *     return ZMsg.newStringMsg("lift-off");
 * };
 * }</pre>
 *
 * @see MajordomoWorker#streaming(WorkerConfig, StreamingRequestHandler)
 */
@FunctionalInterface
public interface StreamingRequestHandler {

    /**
     * Handles one request.
     *
     * @param request the request body frames (at least one); the handler owns the message
     * @param stream where the parts before the last one go
     * @return the final part (at least one frame). Throwing, or returning null or an empty message, ends the stream
     *     without a FINAL: the failure is logged and the worker registers again, as for a {@link RequestHandler}
     */
    ZMsg handle(ZMsg request, ReplyStream stream) throws Exception;
}
