package io.zreliable.common;

import java.util.List;

/**
 * A request got no reply after every attempt its {@link RetryPolicy} allowed. Says how many attempts were made and
 * against which endpoints, so an operator can tell a dead server from a wrong address.
 */
public class RequestTimeoutException extends RuntimeException {
    private final int attempts;
    private final List<String> endpoints;

    public RequestTimeoutException(String what, int attempts, List<String> endpoints, long timeoutMillis) {
        super(what + ": no reply after " + attempts + " attempt(s) of " + timeoutMillis + " ms each, tried "
                + String.join(", ", endpoints));
        this.attempts = attempts;
        this.endpoints = List.copyOf(endpoints);
    }

    /** How many attempts were made. */
    public int attempts() {
        return attempts;
    }

    /** The endpoints tried, in the order first tried, without repeats. */
    public List<String> endpoints() {
        return endpoints;
    }
}
