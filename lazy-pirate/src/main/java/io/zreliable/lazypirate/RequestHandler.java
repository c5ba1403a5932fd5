package io.zreliable.lazypirate;

import org.zeromq.ZMsg;

/**
 * The application code of a {@link ParanoidPirateWorker}: turns a request body (the frames after the envelope) into
 * a reply body. Called on the worker's thread, one request at a time. A handler that throws or returns null or an
 * empty message sends no reply (the failure is logged and counted), and the client's retry takes over.
 */
@FunctionalInterface
public interface RequestHandler {
    ZMsg handle(ZMsg request) throws Exception;
}
