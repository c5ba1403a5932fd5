package io.zreliable.titanic;

import java.util.List;

/**
 * How the dispatcher reaches services: one caller per delivery thread (a Majordomo client is single-threaded).
 */
interface ServiceCaller extends AutoCloseable {
    /** What the broker says about a service (8/MMI {@code mmi.service}). */
    enum Availability {
        /** At least one worker is registered. */
        AVAILABLE,
        /** No worker: the request stays pending. */
        MISSING,
        /** The broker did not say (no MMI, or no answer): try the request anyway. */
        UNKNOWN
    }

    Availability availability(String service);

    /** Sends one request and waits for its reply; null when none came within the caller's timeout. */
    List<byte[]> call(String service, List<byte[]> body);

    @Override
    void close();
}
