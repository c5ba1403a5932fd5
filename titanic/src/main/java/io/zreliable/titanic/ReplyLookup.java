package io.zreliable.titanic;

import java.util.List;

/** What the store knows about a request id: still waiting, answered (with the reply frames), or unknown. */
public record ReplyLookup(Status status, List<byte[]> reply) {
    public enum Status {
        /** Stored, not answered yet (TSP 300). */
        PENDING,
        /** Answered; {@link #reply()} holds the service's reply frames (TSP 200). */
        DONE,
        /** Never stored, or closed (TSP 400). */
        UNKNOWN
    }

    static final ReplyLookup PENDING_LOOKUP = new ReplyLookup(Status.PENDING, List.of());
    static final ReplyLookup UNKNOWN_LOOKUP = new ReplyLookup(Status.UNKNOWN, List.of());

    public ReplyLookup {
        reply = List.copyOf(reply);
    }
}
