package io.zreliable.binarystar;

/**
 * The four states of a Binary Star server, as the Guide's bstar reactor numbers them. The number is what a server
 * publishes to its peer (see {@link BstarProtocol}).
 */
public enum BstarState {
    /** Primary, waiting for its peer. */
    PRIMARY(BstarProtocol.STATE_PRIMARY),
    /** Backup, waiting for its peer. */
    BACKUP(BstarProtocol.STATE_BACKUP),
    /** Serving clients. */
    ACTIVE(BstarProtocol.STATE_ACTIVE),
    /** Standing by: client requests are not served, only counted as votes for a failover. */
    PASSIVE(BstarProtocol.STATE_PASSIVE);

    private final int code;

    BstarState(int code) {
        this.code = code;
    }

    /** The number published on the wire. */
    public int code() {
        return code;
    }

    /** The event our FSM sees when the peer reports this state. */
    public BstarEvent asPeerEvent() {
        switch (this) {
            case PRIMARY:
                return BstarEvent.PEER_PRIMARY;
            case BACKUP:
                return BstarEvent.PEER_BACKUP;
            case ACTIVE:
                return BstarEvent.PEER_ACTIVE;
            default:
                return BstarEvent.PEER_PASSIVE;
        }
    }

    /**
     * The state numbered {@code code}; a peer that reports any other number speaks something else than Binary Star,
     * which is fatal for the pair.
     */
    public static BstarState fromCode(int code) {
        for (BstarState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new BinaryStarException(BinaryStarException.Reason.UNKNOWN_PEER_STATE,
                "peer reported state " + code + ", which Binary Star does not define (1 primary, 2 backup, "
                        + "3 active, 4 passive): is the peer endpoint really the other server of this pair?");
    }
}
