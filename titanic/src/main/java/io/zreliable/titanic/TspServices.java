package io.zreliable.titanic;

import io.zreliable.common.DropCounter;
import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * The logic of the three TSP services over a {@link TitanicStore}: each takes the MDP request body and returns the
 * reply body, always a status frame first. Malformed or oversized requests get {@code 400} (retrying cannot help)
 * and are counted; store failures and limits get {@code 500} (retry later). Nothing here throws, so a worker always
 * answers. Thread-safe: several MDP workers may call it at once, which is what lets their requests share commits.
 */
final class TspServices {
    private static final Logger LOG = LoggerFactory.getLogger(TspServices.class);

    private final TitanicStore store;
    private final long storeTimeoutMillis;
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
        this.listener = listener;
    }

    /** titanic.request: [service, body...] -> [200, uuid] after the commit, or 400 / 500. */
    ZMsg request(ZMsg msg) {
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
            return Frames.message(TspProtocol.UNKNOWN);
        }
        try {
            String uuid = await(store.submit(service, body));
            listener.stored(uuid, service);
            return Frames.message(TspProtocol.OK, uuid);
        } catch (TitanicStoreFullException e) {
            failures.drop("store full", e.getMessage());
            return Frames.message(TspProtocol.ERROR);
        } catch (RuntimeException e) {
            failures.drop("store failure", e.getMessage());
            return Frames.message(TspProtocol.ERROR);
        }
    }

    /** titanic.reply: [uuid] -> [200, reply...], [300] or [400]. */
    ZMsg reply(ZMsg msg) {
        String uuid = readUuid(msg, "titanic.reply");
        if (uuid == null) {
            return Frames.message(TspProtocol.UNKNOWN);
        }
        try {
            ReplyLookup lookup = await(store.lookup(uuid));
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
        } catch (RuntimeException e) {
            failures.drop("store failure", e.getMessage());
            return Frames.message(TspProtocol.ERROR);
        }
    }

    /** titanic.close: [uuid] -> [200] (also when unknown), [400] for a malformed uuid. */
    ZMsg close(ZMsg msg) {
        String uuid = readUuid(msg, "titanic.close");
        if (uuid == null) {
            return Frames.message(TspProtocol.UNKNOWN);
        }
        try {
            await(store.close(uuid));
            listener.closed(uuid);
            return Frames.message(TspProtocol.OK);
        } catch (RuntimeException e) {
            failures.drop("store failure", e.getMessage());
            return Frames.message(TspProtocol.ERROR);
        }
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

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(storeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new TitanicStoreException(store.directory(), "store operation failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new TitanicStoreException(store.directory(),
                    "store did not answer within " + storeTimeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TitanicStoreException(store.directory(), "interrupted while waiting for the store", e);
        }
    }
}
