package io.zreliable.binarystar;

/**
 * A fatal condition of a Binary Star pair: the two servers are misconfigured (both primary, both backup), both
 * believe they are active (split brain) or passive, or the peer sends states Binary Star does not define. The server
 * that detects it stops serving and publishing, so that an operator fixes the pair instead of it running unsafely.
 */
public final class BinaryStarException extends RuntimeException {

    /** What went wrong, stable enough to test and count by. */
    public enum Reason {
        /** Both servers were started as primary. */
        BOTH_PRIMARY,
        /** Both servers were started as backup. */
        BOTH_BACKUP,
        /** Both servers are active: split brain. */
        DUAL_ACTIVE,
        /** Both servers are passive: nobody would serve clients. */
        DUAL_PASSIVE,
        /** The peer reported a state number outside 1..4. */
        UNKNOWN_PEER_STATE
    }

    private final Reason reason;

    public BinaryStarException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
