package io.zreliable.binarystar;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.lazypirate.LazyPirateClient;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;
import org.zeromq.ZMsg;

/**
 * A client of a Binary Star pair: it knows both servers' client endpoints and sends each request to the one that
 * answered last. The retrying is the {@link LazyPirateClient}'s: on a timeout it closes its socket and resends to
 * the other server; its request-id correlation makes sure a late reply from a previous attempt (or the old active)
 * is never returned as the answer to a later request, so the application gets exactly one reply per request.
 *
 * <p>Timing matters in Binary Star: a passive server serves only once its peer has been silent for two heartbeats,
 * so a request that reaches it sooner is dropped and retried. {@link #policyFor(Duration)} derives a retry policy
 * from the pair's heartbeat that keeps failover to about one request timeout.
 *
 * <p>The client measures each failover as the time from the last reply of the old server to the first reply of the
 * new one, logs it at INFO and keeps it in {@link #lastFailover()}.
 *
 * <h2>Thread contract</h2>
 * Not thread-safe: one thread creates, uses and closes a client (its socket belongs to that thread).
 */
public final class BinaryStarClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryStarClient.class);
    /** Timeout per attempt in heartbeats: past the peer expiry (2) with one heartbeat to spare. */
    static final int TIMEOUT_HEARTBEATS = 3;
    /** Attempts: time out on the dead server, retry on the other, and two more rounds for slow machines. */
    static final int ATTEMPTS = 6;

    private final LazyPirateClient pirate;
    private String lastEndpoint;
    private long lastReplyNanos;
    private long failovers;
    private Duration lastFailover;

    private BinaryStarClient(Builder builder) {
        Require.notNull(builder.primary, "primary endpoint");
        Require.notNull(builder.backup, "backup endpoint");
        Require.that(!builder.primary.equals(builder.backup),
                "primary and backup client endpoints must differ, both were " + builder.primary);
        LazyPirateClient.Builder pirateBuilder = LazyPirateClient.builder()
                .endpoints(builder.primary, builder.backup)
                .retryPolicy(Require.notNull(builder.policy, "retry policy"));
        if (builder.context != null) {
            pirateBuilder.context(builder.context);
        }
        this.pirate = pirateBuilder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A retry policy for a pair publishing its state every {@code heartbeat}: each attempt waits three heartbeats
     * (the passive server takes over after two), six attempts in all.
     */
    public static RetryPolicy policyFor(Duration heartbeat) {
        Require.positive(heartbeat, "binary star heartbeat");
        return RetryPolicy.builder().timeout(heartbeat.multipliedBy(TIMEOUT_HEARTBEATS)).attempts(ATTEMPTS).build();
    }

    /**
     * Sends {@code request} (left unchanged) to the server that answered last, failing over to the other on a
     * timeout, and returns its reply.
     *
     * @throws RequestTimeoutException when neither server answered within the retry policy
     */
    public ZMsg request(ZMsg request) {
        ZMsg reply = pirate.request(request);
        replied(pirate.currentEndpoint());
        return reply;
    }

    /** Sends a one-frame UTF-8 request and returns the first frame of the reply as UTF-8. */
    public String request(String body) {
        String reply = pirate.request(body);
        replied(pirate.currentEndpoint());
        return reply;
    }

    /** The endpoint the next request goes to first: the server that answered last. */
    public String currentEndpoint() {
        return pirate.currentEndpoint();
    }

    /** How many times the answering server changed. */
    public long failovers() {
        return failovers;
    }

    /** The last failover's duration: last reply from the old server to first reply from the new one. */
    public Optional<Duration> lastFailover() {
        return Optional.ofNullable(lastFailover);
    }

    /** How many attempts timed out so far. */
    public long timeouts() {
        return pirate.timeouts();
    }

    @Override
    public void close() {
        pirate.close();
    }

    private void replied(String endpoint) {
        long now = System.nanoTime();
        if (lastEndpoint != null && !lastEndpoint.equals(endpoint)) {
            failovers++;
            lastFailover = Duration.ofNanos(now - lastReplyNanos);
            LOG.info("binary star failover from {} to {} took {} ms (last reply from the old server to first reply "
                    + "from the new)", lastEndpoint, endpoint, lastFailover.toMillis());
        }
        lastEndpoint = endpoint;
        lastReplyNanos = now;
    }

    /** Settings of a {@link BinaryStarClient}; {@link #build()} validates them. */
    public static final class Builder {
        private String primary;
        private String backup;
        private RetryPolicy policy = policyFor(BstarProtocol.DEFAULT_HEARTBEAT);
        private ZContext context;

        private Builder() {
        }

        /** The primary server's client endpoint, tried first. Required. */
        public Builder primary(String endpoint) {
            this.primary = endpoint;
            return this;
        }

        /** The backup server's client endpoint. Required. */
        public Builder backup(String endpoint) {
            this.backup = endpoint;
            return this;
        }

        /** Timeout per attempt and attempts; default {@link #policyFor(Duration) policyFor(1 s)}. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** A ZeroMQ context to create sockets in (not closed by the client); default: the client's own. */
        public Builder context(ZContext context) {
            this.context = context;
            return this;
        }

        public BinaryStarClient build() {
            return new BinaryStarClient(this);
        }
    }
}
