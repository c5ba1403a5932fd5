package io.zreliable.lazypirate;

/**
 * How a {@link LazyPirateClient} marks its requests so that a reply can be matched to the request it answers.
 */
public enum Correlation {
    /**
     * Each request carries a 4-byte request id frame before the empty delimiter ({@code [id][""][body...]}), the
     * envelope of libzmq's ZMQ_REQ_CORRELATE. Any REP server, and any ROUTER that echoes the envelope, returns it
     * unchanged; a reply whose id is not the current request's is discarded. The default.
     */
    REQUEST_ID,
    /**
     * Plain REQ envelope ({@code [""][body...]}), for servers that insist on exactly that shape (the Guide's
     * Paranoid Pirate workers accept only a 3-frame request through a queue). Replies are then matched only by the
     * socket: each attempt that timed out closes its socket, so its late reply has nowhere to arrive, but a server
     * that answers one request twice is not detected.
     */
    PLAIN
}
