package io.zreliable.majordomo;

import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Timer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.zeromq.ZMsg;

/** One request of an {@link AsyncMajordomoClient}: what to send, its policy, and where it stands. Reactor thread. */
final class AsyncRequest {
    final String service;
    /** The lane it travels in: its service, or one shared lane where replies do not name their service. */
    final String lane;
    final List<byte[]> body;
    final RetryPolicy policy;
    /** Where PARTIAL replies go; null to join them into the final reply ({@link #gathered}). */
    final Consumer<ZMsg> onPartial;
    final CompletableFuture<ZMsg> future = new CompletableFuture<>();
    /** The frames of the parts received so far, when they are joined into the final reply. */
    ZMsg gathered;
    long gatheredBytes;
    /** Parts received: once there is one, a timeout ends the request instead of retrying it. */
    int parts;
    int attempts;
    /** The connection slot carrying it now, or -1 while it waits. */
    int slot = -1;
    Timer timer;

    AsyncRequest(String service, String lane, List<byte[]> body, RetryPolicy policy, Consumer<ZMsg> onPartial) {
        this.service = service;
        this.lane = lane;
        this.body = body;
        this.policy = policy;
        this.onPartial = onPartial;
    }
}
