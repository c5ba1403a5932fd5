package io.zreliable.binarystar;

/** Which half of a Binary Star pair a server is configured to be. Exactly one of each is allowed per pair. */
public enum Role {
    /** Becomes active at startup when it finds the backup (or alone, after a client vote). */
    PRIMARY(BstarState.PRIMARY),
    /** Stays passive at startup; becomes active only when the primary is gone and clients vote for it. */
    BACKUP(BstarState.BACKUP);

    private final BstarState initialState;

    Role(BstarState initialState) {
        this.initialState = initialState;
    }

    /** The state a freshly started server of this role is in: {@link BstarState#PRIMARY} or {@link BstarState#BACKUP}. */
    public BstarState initialState() {
        return initialState;
    }

    /** Parses {@code primary} or {@code backup} (any case), failing with a clear message otherwise. */
    public static Role parse(String text) {
        if (text != null) {
            for (Role role : values()) {
                if (role.name().equalsIgnoreCase(text.trim())) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException("binary star role must be primary or backup, was " + text);
    }
}
