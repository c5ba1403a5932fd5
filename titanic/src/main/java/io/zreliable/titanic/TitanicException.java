package io.zreliable.titanic;

/**
 * Titanic answered a client with a status other than the one expected: {@code 400} (unknown or invalid request,
 * do not retry), {@code 500} (server error, retry later), or something that is not a TSP reply at all.
 */
public class TitanicException extends RuntimeException {
    private final String status;

    public TitanicException(String status, String message) {
        super(message);
        this.status = status;
    }

    /** The TSP status code received (e.g. "400"), or null when the reply had none. */
    public String status() {
        return status;
    }

    /** True when retrying later may succeed (500). */
    public boolean retryable() {
        return TspProtocol.ERROR.equals(status);
    }
}
