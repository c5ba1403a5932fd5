package io.zreliable.titanic;

import io.zreliable.common.DropCounter;
import io.zreliable.common.Frames;
import io.zreliable.common.Futures;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * The logic of the three TSP services over a {@link TitanicStore}: each takes the MDP request body and returns, at
 * once, a future of the reply body, always a status frame first; it completes when the store has answered (for
 * titanic.request: after the commit). Malformed or oversized requests get {@code 400} (retrying cannot help) and
 * are counted; store failures, limits and a store slower than the store timeout get {@code 500} (retry later).
 * The futures never fail, so a worker always answers. Thread-safe: several MDP workers may call it at once, which
 * is what lets their requests share commits. Nothing here blocks: the futures complete on the store's writer
 * thread (or the timeout's), so their callbacks must not block either.
 */
final class TspServices {
    private static final Logger LOG = LoggerFactory.getLogger(TspServices.class);

    private final TitanicStore store;
    private final long storeTimeoutMillis;
    private final StoreDeadlines deadlines;
    private final Listener listener;
    private final DropCounter malformed = new DropCounter(LOG);
    /** Requests answered 500; the store logs the cause once (alarm), these count each occurrence. */
    private final DropCounter failures = new DropCounter(LOG);

    /** Told about requests stored and closed (the dispatcher's index follows them). */
    interface Listener {
        void stored(String uuid, String service);

        void closed(String uuid);
    }

    TspServices(TitanicStore store, Duration storeTimeout, Listener listener) {
        this.store = store;
        this.storeTimeoutMillis = storeTimeout.toMillis();
        this.deadlines = new StoreDeadlines(storeTimeout);
        this.listener = listener;
    }

    /** Stops the timeout sweep. */
    void close() {
        deadlines.close();
    }

    /** titanic.request: [service, body...] -> [200, uuid] after the commit, or 400 / 500. */
    CompletableFuture<ZMsg> request(ZMsg msg) {
        String service;
        List<byte[]> body = new ArrayList<>();
        try {
            MessageReader in = MessageReader.of(msg == null ? new ZMsg() : msg);
            byte[] name = in.next("service name").getData();
            if (!TspProtocol.isValidServiceName(name)) {
                throw new MalformedMessageException("bad service name",
                        "service name must be 1-" + TspProtocol.MAX_SERVICE_LENGTH
                                + " printable characters and not titanic.*, was " + Frames.printable(name));
            }
            service = Frames.text(name);
            in.expectMore("request body");
            long bytes = name.length;
            for (ZFrame frame : in.rest()) {
                body.add(frame.getData());
                bytes += frame.size();
            }
            if (bytes > store.maxRequestBytes()) {
                throw new MalformedMessageException("request too large",
                        bytes + " bytes, at most " + store.maxRequestBytes() + " allowed");
            }
        } catch (MalformedMessageException e) {
            malformed.drop(e);
            return CompletableFuture.completedFuture(Frames.message(TspProtocol.UNKNOWN));
        }
        return answer(store.submit(service, body), uuid -> {
            listener.stored(uuid, service);
            return Frames.message(TspProtocol.OK, uuid);
        });
    }

    /** titanic.reply: [uuid] -> [200, reply...], [300] or [400]. */
    CompletableFuture<ZMsg> reply(ZMsg msg) {
        String uuid = readUuid(msg, "titanic.reply");
        if (uuid == null) {
            return CompletableFuture.completedFuture(Frames.message(TspProtocol.UNKNOWN));
        }
        return answer(store.lookup(uuid), lookup -> {
            switch (lookup.status()) {
                case DONE: {
                    ZMsg reply = Frames.message(TspProtocol.OK);
                    lookup.reply().forEach(reply::add);
                    return reply;
                }
                case PENDING:
                    return Frames.message(TspProtocol.PENDING);
                default:
                    return Frames.message(TspProtocol.UNKNOWN);
            }
        });
    }

    /** titanic.close: [uuid] -> [200] (also when unknown), [400] for a malformed uuid. */
    CompletableFuture<ZMsg> close(ZMsg msg) {
        String uuid = readUuid(msg, "titanic.close");
        if (uuid == null) {
            return CompletableFuture.completedFuture(Frames.message(TspProtocol.UNKNOWN));
        }
        return answer(store.close(uuid), closed -> {
            listener.closed(uuid);
            return Frames.message(TspProtocol.OK);
        });
    }

    /** Requests refused as malformed (400), by reason. */
    DropCounter malformed() {
        return malformed;
    }

    /** Requests answered 500 (store full or failed), by reason. */
    DropCounter failures() {
        return failures;
    }

    private String readUuid(ZMsg msg, String service) {
        try {
            MessageReader in = MessageReader.of(msg == null ? new ZMsg() : msg);
            String uuid = in.nextString("uuid", 64);
            in.expectEnd(service + " request");
            if (!TitanicStore.isValidUuid(uuid)) {
                throw new MalformedMessageException("bad uuid",
                        "uuid must be 32 hexadecimal characters, was " + Frames.printable(Frames.utf8(uuid)));
            }
            return uuid;
        } catch (MalformedMessageException e) {
            malformed.drop(e);
            return null;
        }
    }

    /**
     * The reply built from the store's answer, or 500 when the store failed, is full, or did not answer within the
     * store timeout (each counted by reason).
     */
    private <T> CompletableFuture<ZMsg> answer(CompletableFuture<T> operation, Function<T, ZMsg> reply) {
        return deadlines.watch(operation).handle((result, error) -> {
            Throwable cause = Futures.cause(error);
            if (cause == null) {
                try {
                    return reply.apply(result);
                } catch (RuntimeException e) {
                    cause = e;
                }
            }
            if (cause instanceof TitanicStoreFullException) {
                failures.drop("store full", cause.getMessage());
            } else if (cause instanceof TimeoutException) {
                failures.drop("store failure", "store did not answer within " + storeTimeoutMillis + " ms");
            } else {
                failures.drop("store failure", String.valueOf(cause.getMessage()));
            }
            return Frames.message(TspProtocol.ERROR);
        });
    }
}
