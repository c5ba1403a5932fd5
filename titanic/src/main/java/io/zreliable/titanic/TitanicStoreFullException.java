package io.zreliable.titanic;

import java.nio.file.Path;

/**
 * A new request was refused because a store limit (pending requests, live bytes, queued operations) was reached.
 * Nothing was written; the client may retry later (TSP status 500).
 */
public final class TitanicStoreFullException extends TitanicStoreException {
    public TitanicStoreFullException(Path file, String message) {
        super(file, message);
    }
}
