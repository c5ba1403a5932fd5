package io.zreliable.common;

/**
 * A message broke its protocol. Thrown by {@link MessageReader} and the protocol parsers built on it; callers log
 * and drop the message (see {@link DropCounter}), they never let it escape the loop. Carries a short stable
 * {@link #reason()} for counting and a detail for the log. Stackless: malformed input is an expected event, not a
 * bug, and a flood of it must stay cheap.
 */
public final class MalformedMessageException extends Exception {
    private final String reason;

    public MalformedMessageException(String reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** A short category such as "missing frame" or "bad header", stable enough to count by. */
    public String reason() {
        return reason;
    }
}
