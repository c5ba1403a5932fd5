package io.zreliable.majordomo;

import org.zeromq.ZMsg;

/**
 * The parts of one streamed reply: a streaming handler calls {@link #partial} for each part it has ready, then
 * returns (or completes) the final part. Each part reaches the client as one MDP/0.2 PARTIAL, in call order, and
 * before the FINAL. A 0.1 client behind our broker gets every part and the final one joined into one REPLY.
 *
 * <h2>Thread contract</h2>
 * Safe from any thread while the handler's request is open. Called on the worker's socket thread (an inline or
 * asynchronous handler starting its work) it sends at once; from another thread it hands the part to the socket
 * thread and waits while {@value MajordomoWorker#MAX_QUEUED_PARTS} parts are already waiting, so a fast producer
 * cannot run the worker out of memory.
 *
 * @see StreamingRequestHandler
 * @see AsyncStreamingRequestHandler
 */
public interface ReplyStream {

    /**
     * Sends {@code part} (at least one frame; the stream owns the message) as a PARTIAL reply.
     *
     * @throws UnsupportedOperationException on a worker speaking MDP/0.1, which has no partial replies
     * @throws IllegalStateException after the final part was handed back, or when the socket thread stays
     *     {@value MajordomoWorker#MAX_QUEUED_PARTS} parts behind for the heartbeat expiry
     */
    void partial(ZMsg part);
}
