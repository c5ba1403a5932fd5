package io.zreliable.majordomo;

import java.util.concurrent.CompletionStage;
import org.zeromq.ZMsg;

/**
 * A streaming handler whose work runs elsewhere (MDP/0.2): it starts the work on the worker's socket thread and
 * returns at once; the work sends parts through the {@link ReplyStream} from any thread and completes the stage
 * with the final part. The worker heartbeats throughout.
 *
 * @see MajordomoWorker#asyncStreaming(WorkerConfig, AsyncStreamingRequestHandler)
 */
@FunctionalInterface
public interface AsyncStreamingRequestHandler {

    /**
     * Starts handling one request; must not block.
     *
     * @return a stage completing with the final part (at least one frame), after the last {@code stream.partial}
     *     call. It must complete: bound the work with a timeout. Failing sends no FINAL, as for an
     *     {@link AsyncRequestHandler}
     */
    CompletionStage<ZMsg> handle(ZMsg request, ReplyStream stream) throws Exception;
}
