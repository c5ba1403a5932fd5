package io.zreliable.lazypirate;

import io.zreliable.common.Backoff;
import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Contexts;
import io.zreliable.common.EndpointException;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.Frames;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Sockets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The Guide's Lazy Pirate client: a synchronous request-reply client that survives lost requests, dead servers and
 * restarts. Each request is sent over a REQ socket and waits up to the {@link RetryPolicy} timeout; on a timeout the
 * socket is closed (a REQ socket stuck waiting can not be reused), the client moves to the next endpoint of its list,
 * optionally waits a {@link BackoffConfig back-off}, reopens and resends. After the last attempt the request fails
 * with a {@link RequestTimeoutException} naming the attempts and endpoints.
 *
 * <p>Replies are matched to requests (see {@link Correlation}): a late reply to an earlier attempt or an earlier
 * request is never returned as the answer to the current one.
 *
 * <h2>Thread contract</h2>
 * Not thread-safe: one thread creates, uses and closes a client, as a ZeroMQ socket belongs to one thread. Use one
 * client per thread for concurrent requests.
 */
public final class LazyPirateClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LazyPirateClient.class);

    private final ZContext context;
    private final boolean ownsContext;
    private final RetryPolicy policy;
    private final EndpointRing endpoints;
    private final Backoff backoff;
    private final Correlation correlation;
    private ZMQ.Socket socket;
    private long timeouts;
    private boolean closed;

    private LazyPirateClient(Builder builder) {
        this.policy = Require.notNull(builder.policy, "retry policy");
        this.endpoints = new EndpointRing(Require.notNull(builder.endpoints, "endpoints"));
        this.correlation = Require.notNull(builder.correlation, "correlation");
        this.backoff = builder.backoff == null ? null : new Backoff(builder.backoff);
        this.ownsContext = builder.context == null;
        this.context = ownsContext ? Contexts.create() : builder.context;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends {@code request} (left unchanged, so the caller may reuse it) and returns its reply.
     *
     * @throws RequestTimeoutException when no attempt got a reply
     * @throws EndpointException when no endpoint can be connected (say no host resolves)
     */
    public ZMsg request(ZMsg request) {
        Require.notNull(request, "request");
        Require.that(!request.isEmpty(), "a request needs at least one frame");
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        endpoints.clearTried();
        int attempts = policy.attempts();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            ZMsg reply = attempt(request);
            if (reply != null) {
                if (backoff != null) {
                    backoff.reset();
                }
                return reply;
            }
            timeouts++;
            closeSocket();
            String failed = endpoints.current();
            List<String> tried = endpoints.tried();
            endpoints.advance();
            if (attempt == attempts) {
                throw new RequestTimeoutException("lazy pirate request", attempts, tried, policy.timeoutMillis());
            }
            LOG.warn("no reply from {} within {} ms (attempt {} of {}), retrying on {}", failed,
                    policy.timeoutMillis(), attempt, attempts, endpoints.current());
            pause();
        }
        throw new AssertionError("unreachable: the loop returns or throws");
    }

    /** Sends a one-frame UTF-8 request and returns the first frame of the reply as UTF-8. */
    public String request(String body) {
        ZMsg reply = request(Frames.message(body));
        try {
            return reply.getFirst().getString(ZMQ.CHARSET);
        } finally {
            reply.destroy();
        }
    }

    /** How many attempts timed out since the client was built (each one closed its socket). */
    public long timeouts() {
        return timeouts;
    }

    /** The endpoint the next request goes to first. */
    public String currentEndpoint() {
        return endpoints.current();
    }

    /** Closes the socket, and the ZeroMQ context when the client created it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeSocket();
        if (ownsContext) {
            context.close();
        }
    }

    /** One send and wait on the current endpoint; null when nothing matching arrived in time. */
    private ZMsg attempt(ZMsg request) {
        if (socket == null) {
            socket = open();
        }
        if (!request.duplicate().send(socket, true)) {
            LOG.debug("could not send to {} within {} ms", endpoints.current(), policy.timeoutMillis());
            return null;
        }
        // With REQ_CORRELATE the socket itself skips replies whose request id is not the current one, within the
        // receive timeout, which bounds the whole wait.
        return ZMsg.recvMsg(socket);
    }

    /** A socket connected to the current endpoint, or the next that can be connected (moving the ring). */
    private ZMQ.Socket open() {
        return endpoints.connect(this::newSocket, context::destroySocket);
    }

    private ZMQ.Socket newSocket() {
        // No linger: a closed attempt's unsent request is dropped at once. Short handshake limit: see Sockets.
        ZMQ.Socket s = Sockets.create(context, SocketType.REQ);
        if (correlation == Correlation.REQUEST_ID) {
            s.setReqCorrelate(true);
            s.setReqRelaxed(true);
        }
        int timeout = (int) Math.min(Integer.MAX_VALUE, policy.timeoutMillis());
        s.setReceiveTimeOut(timeout);
        s.setSendTimeOut(timeout);
        return s;
    }

    private void closeSocket() {
        if (socket != null) {
            context.destroySocket(socket);
            socket = null;
        }
    }

    private void pause() {
        if (backoff == null) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting " + delay + " ms to retry", e);
        }
    }

    /** Settings of a {@link LazyPirateClient}; {@link #build()} validates them. */
    public static final class Builder {
        private RetryPolicy policy = RetryPolicy.DEFAULT;
        private List<String> endpoints;
        private BackoffConfig backoff;
        private Correlation correlation = Correlation.REQUEST_ID;
        private ZContext context;

        private Builder() {
        }

        /** The servers to try, in turn; the first is used until it fails to answer. Required. */
        public Builder endpoints(List<String> endpoints) {
            this.endpoints = endpoints;
            return this;
        }

        public Builder endpoints(String... endpoints) {
            return endpoints(List.of(endpoints));
        }

        /** Timeout per attempt and number of attempts; default 2500 ms x 3. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** Wait between a timed-out attempt and the next one; default none (retry at once, as the Guide does). */
        public Builder backoff(BackoffConfig backoff) {
            this.backoff = backoff;
            return this;
        }

        /** How replies are matched to requests; default {@link Correlation#REQUEST_ID}. */
        public Builder correlation(Correlation correlation) {
            this.correlation = correlation;
            return this;
        }

        /**
         * A ZeroMQ context to create sockets in; the client then does not close it. Default: the client creates and
         * closes its own.
         */
        public Builder context(ZContext context) {
            this.context = context;
            return this;
        }

        public LazyPirateClient build() {
            return new LazyPirateClient(this);
        }
    }
}
