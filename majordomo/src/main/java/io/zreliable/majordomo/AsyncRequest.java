package io.zreliable.majordomo;

import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Timer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.zeromq.ZMsg;

/** One request of an {@link AsyncMajordomoClient}: what to send, its policy, and where it stands. Reactor thread. */
final class AsyncRequest {
    final String service;
    final byte[] serviceBytes;
    final List<byte[]> body;
    final RetryPolicy policy;
    final CompletableFuture<ZMsg> future = new CompletableFuture<>();
    int attempts;
    /** The connection slot carrying it now, or -1 while it waits. */
    int slot = -1;
    Timer timer;

    AsyncRequest(String service, byte[] serviceBytes, List<byte[]> body, RetryPolicy policy) {
        this.service = service;
        this.serviceBytes = serviceBytes;
        this.body = body;
        this.policy = policy;
    }
}
