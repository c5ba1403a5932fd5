package io.zreliable.titanic;

import java.util.List;

/**
 * A request held by Titanic: its identifier, its place in arrival order, the target service and the body frames.
 */
public record StoredRequest(String uuid, long seq, String service, List<byte[]> body) {
    public StoredRequest {
        body = List.copyOf(body);
    }
}
