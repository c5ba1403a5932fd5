package io.zreliable.common;

/**
 * An endpoint that is well formed but cannot be used now: its host does not resolve, its address is in use, or
 * ZeroMQ refused it for another reason. The message is one line that names the endpoint and the reason, fit to show
 * a user as it is. (A malformed endpoint is an {@link IllegalArgumentException} from {@link Endpoints#require}.)
 */
public final class EndpointException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Why the endpoint could not be used. */
    public enum Reason {
        /** The host name does not resolve (a typo, or DNS not ready yet). */
        UNRESOLVED_HOST,
        /** Another socket or process holds the address. */
        ADDRESS_IN_USE,
        /** Anything else ZeroMQ reported (the message says what). */
        OTHER
    }

    private final String endpoint;
    private final Reason reason;

    EndpointException(String message, String endpoint, Reason reason, Throwable cause) {
        super(message, cause);
        this.endpoint = endpoint;
        this.reason = reason;
    }

    /** The endpoint as given. */
    public String endpoint() {
        return endpoint;
    }

    public Reason reason() {
        return reason;
    }
}
