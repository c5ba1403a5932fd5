package io.zreliable.majordomo;

import io.zreliable.common.Contexts;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.Reactor;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Sockets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * An asynchronous Majordomo client: many requests in flight, each a {@link CompletableFuture}, each with its own
 * timeout and retries, speaking MDP/0.1 to any broker, or an MDP/0.2 dialect ({@link Builder#protocol}) whose
 * replies may stream: {@link #stream} hands each PARTIAL to a callback and completes the future with the FINAL.
 *
 * <h2>How replies find their requests</h2>
 * MDP/0.1 replies carry no request id, only the service name. The client therefore keeps a bounded pool of DEALER
 * connections (slots) and puts at most one request per service on each slot at a time: a reply on slot S for
 * service X can only belong to the one request for X outstanding on S, whatever order workers answer in. With K
 * slots, up to K requests per service are in flight; more wait in a queue inside the client. When a request times
 * out, its slot's socket is closed and replaced by a new one (new identity, next endpoint), so a late reply to the
 * abandoned attempt can never reach a newer request; the slot's other requests (other services) are re-sent on the
 * new socket. A timed-out request is retried while its {@link RetryPolicy} allows, else its future fails with
 * {@link RequestTimeoutException}. MDP/0.2 as majortomo speaks it names no service in replies, so there a slot
 * carries one request at a time, whatever its service: up to K requests are in flight in all.
 *
 * <h2>Streams</h2>
 * The timeout bounds the wait for each part. A request that has received no part yet is retried as above; once a
 * part has arrived, a timeout (its own, or its slot's socket being replaced for another request's) fails the future
 * with {@link RequestTimeoutException} rather than starting the reply again, so the parts of two attempts are never
 * mixed.
 *
 * <pre>{@code
 * try (AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect("tcp://127.0.0.1:5555").build()) {
 *     client.send("echo", ZMsg.newStringMsg("hello")).thenAccept(reply -> ...);
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * {@link #send} and {@link #close()} are safe from any thread. The sockets belong to the client's reactor thread,
 * which also completes the futures and calls the part callbacks: those, and dependent stages added without an
 * executor, run there and must not block.
 */
public final class AsyncMajordomoClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncMajordomoClient.class);
    private static final int READ_BATCH = 256;

    private final ZContext context = Contexts.create();
    private final Reactor reactor = new Reactor();
    private final EndpointRing ring;
    private final RetryPolicy defaultPolicy;
    private final int maxConnections;
    private final int maxPending;
    private final CurveClientKeys curve;
    private final MdpDialect dialect;
    private final AtomicInteger pending = new AtomicInteger();
    private final DropCounter drops = new DropCounter(LOG);
    private volatile boolean closed;

    // Reactor-thread state.
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, AsyncLane> lanes = new HashMap<>();
    private volatile int replacedSockets;

    private AsyncMajordomoClient(Builder builder, EndpointRing ring) {
        this.ring = ring;
        this.defaultPolicy = builder.policy;
        this.maxConnections = builder.connections;
        this.maxPending = builder.maxPending;
        this.curve = builder.curve;
        this.dialect = builder.protocol;
        reactor.start("mdp-async-client");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends {@code request} (its frames are copied) to {@code service} under the client's default retry policy. */
    public CompletableFuture<ZMsg> send(String service, ZMsg request) {
        return send(service, request, defaultPolicy);
    }

    /**
     * Sends {@code request} (its frames are copied) to {@code service} with its own timeout and attempts.
     *
     * @return the reply body; fails with {@link RequestTimeoutException} when every attempt timed out, with
     *     {@link EndpointException} when no endpoint can be connected (say no host resolves), with
     *     {@link IllegalStateException} when the client is closed or {@code maxPending} requests are already open
     */
    public CompletableFuture<ZMsg> send(String service, ZMsg request, RetryPolicy policy) {
        return submit(service, request, policy, null);
    }

    /**
     * Sends {@code request} to {@code service} and streams the reply: {@code onPart} gets each PARTIAL's body on the
     * client's thread, in order; the future completes with the FINAL's body (in MDP/0.1 the one REPLY, with no call
     * to {@code onPart}). Fails as {@link #send(String, ZMsg, RetryPolicy)} does, and also when a stream stops part
     * way (see the class comment). An exception thrown by {@code onPart} fails the future.
     */
    public CompletableFuture<ZMsg> stream(String service, ZMsg request, RetryPolicy policy, Consumer<ZMsg> onPart) {
        return submit(service, request, policy, Require.notNull(onPart, "part callback"));
    }

    /** {@link #stream(String, ZMsg, RetryPolicy, Consumer)} under the client's default retry policy. */
    public CompletableFuture<ZMsg> stream(String service, ZMsg request, Consumer<ZMsg> onPart) {
        return stream(service, request, defaultPolicy, onPart);
    }

    private CompletableFuture<ZMsg> submit(String service, ZMsg request, RetryPolicy policy,
            Consumer<ZMsg> onPart) {
        MdpCodec.checkServiceName(service);
        Require.notNull(policy, "retry policy");
        Require.that(request != null && !request.isEmpty(), "a request needs at least one body frame");
        List<byte[]> body = new ArrayList<>(request.size());
        for (ZFrame frame : request) {
            body.add(frame.getData());
        }
        String lane = dialect.repliesNameService ? service : "";
        AsyncRequest async = new AsyncRequest(service, lane, body, policy, onPart);
        if (closed) {
            async.future.completeExceptionally(new IllegalStateException("client is closed"));
        } else if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            async.future.completeExceptionally(new IllegalStateException(
                    "too many requests in flight (max pending " + maxPending + ")"));
        } else {
            reactor.execute(() -> enqueue(async));
        }
        return async.future;
    }

    /** Sends a one-frame UTF-8 request; the reply's frames are joined as text. */
    public CompletableFuture<String> send(String service, String request) {
        return send(service, Frames.message(request)).thenApply(reply -> {
            StringBuilder text = new StringBuilder();
            reply.forEach(frame -> text.append(frame.getString(ZMQ.CHARSET)));
            return text.toString();
        });
    }

    private void enqueue(AsyncRequest request) {
        AsyncLane lane = lanes.computeIfAbsent(request.lane, s -> new AsyncLane());
        lane.waiting.add(request);
        pump(request.lane, lane);
    }

    /** Puts waiting requests of one lane on free slots. */
    private void pump(String laneKey, AsyncLane lane) {
        while (!lane.waiting.isEmpty()) {
            int slot = lane.acquire(maxConnections);
            if (slot < 0) {
                return;
            }
            if (slot == slots.size()) {
                slots.add(new Slot(slot));
            }
            Slot chosen = slots.get(slot);
            AsyncRequest request = lane.waiting.poll();
            EndpointException unreachable = ensureConnected(chosen);
            if (unreachable != null) {
                // Fails now rather than at its timeout: no attempt can be made.
                lane.release(slot);
                pending.decrementAndGet();
                request.future.completeExceptionally(unreachable);
                continue;
            }
            transmit(chosen, request);
        }
        if (lane.isIdle()) {
            lanes.remove(laneKey);
        }
    }

    private void transmit(Slot slot, AsyncRequest request) {
        request.slot = slot.index;
        request.attempts++;
        slot.outstanding.put(request.lane, request);
        write(slot, request);
        armTimer(request);
    }

    private void armTimer(AsyncRequest request) {
        request.timer = reactor.schedule(request.policy.timeoutMillis(), () -> onTimeout(request));
    }

    private void write(Slot slot, AsyncRequest request) {
        ZMsg body = new ZMsg();
        request.body.forEach(body::add);
        MdpCodec.encode(dialect, new MdpCommand.ClientRequest(request.service, body)).send(slot.socket);
    }

    private void onReadable(Slot slot) {
        for (int i = 0; i < READ_BATCH; i++) {
            ZMsg msg = ZMsg.recvMsg(slot.socket, ZMQ.DONTWAIT);
            if (msg == null) {
                return;
            }
            try {
                onReply(slot, MdpCodec.decode(msg, MdpCodec.Direction.FROM_BROKER));
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
        }
    }

    private void onReply(Slot slot, MdpCodec.Decoded decoded) {
        MdpCommand command = decoded.command();
        boolean last = command instanceof MdpCommand.ClientFinal;
        if (decoded.dialect() != dialect || !(last || command instanceof MdpCommand.ClientPartial)) {
            drops.drop("wrong dialect", decoded.dialect() + " " + MdpCommand.describe(command));
            return;
        }
        String service = last ? ((MdpCommand.ClientFinal) command).service()
                : ((MdpCommand.ClientPartial) command).service();
        ZMsg body = last ? ((MdpCommand.ClientFinal) command).body() : ((MdpCommand.ClientPartial) command).body();
        String laneKey = service == null ? "" : service;
        AsyncRequest request = slot.outstanding.get(laneKey);
        if (request == null) {
            drops.drop("unexpected reply", laneKey);
            return;
        }
        request.timer.cancel();
        request.parts++;
        if (request.onPartial == null && (request.gathered != null || !last)) {
            if (request.gathered == null) {
                request.gathered = new ZMsg();
            }
            request.gatheredBytes += Frames.byteSize(body);
            request.gathered.addAll(body);
            body = request.gathered;
            if (request.gatheredBytes > MajordomoClient.MAX_JOINED_BYTES) {
                abandon(slot, request, new IllegalStateException("streamed reply over "
                        + MajordomoClient.MAX_JOINED_BYTES + " bytes: use stream() to take it part by part"));
                return;
            }
        }
        if (last) {
            slot.outstanding.remove(laneKey);
            finish(request).complete(body);
            return;
        }
        if (request.onPartial != null) {
            try {
                request.onPartial.accept(body);
            } catch (RuntimeException e) {
                abandon(slot, request, e);
                return;
            }
        }
        armTimer(request);
    }

    /**
     * Fails a request part way through its stream. Its slot gets a new socket: the rest of the stream must not reach
     * the next request of the same service on this slot.
     */
    private void abandon(Slot slot, AsyncRequest request, Throwable cause) {
        slot.outstanding.remove(request.lane);
        replace(slot);
        finish(request).completeExceptionally(cause);
    }

    private void onTimeout(AsyncRequest request) {
        Slot slot = slots.get(request.slot);
        slot.outstanding.remove(request.lane);
        replace(slot);
        if (request.parts == 0 && request.attempts < request.policy.attempts()) {
            LOG.debug("request to {} timed out (attempt {} of {}); retrying", request.service, request.attempts,
                    request.policy.attempts());
            AsyncLane lane = lanes.get(request.lane);
            lane.release(request.slot);
            request.slot = -1;
            lane.waiting.addFirst(request);
            pump(request.lane, lane);
        } else {
            fail(request);
        }
    }

    /** Fails a request whose attempts are used up, or whose stream stopped part way. */
    private void fail(AsyncRequest request) {
        String stopped = request.parts == 0 ? "" : " (stream stopped after " + request.parts + " parts)";
        finish(request).completeExceptionally(new RequestTimeoutException(
                "majordomo request to service '" + request.service + "'" + stopped, request.attempts, ring.all(),
                request.policy.timeoutMillis()));
    }

    /** Releases the request's slot for its lane and returns its future, to be completed by the caller. */
    private CompletableFuture<ZMsg> finish(AsyncRequest request) {
        AsyncLane lane = lanes.get(request.lane);
        lane.release(request.slot);
        request.slot = -1;
        pending.decrementAndGet();
        pump(request.lane, lane);
        return request.future;
    }

    /**
     * A new socket for the slot: nothing sent on the old one can be answered here any more. When no endpoint can be
     * connected the slot stays without one; its other requests then time out, and their retries fail at once.
     */
    private void replace(Slot slot) {
        if (slot.socket != null) {
            reactor.unregister(slot.socket);
            context.destroySocket(slot.socket);
            slot.socket = null;
        }
        ring.advance();
        replacedSockets++;
        if (ensureConnected(slot) != null) {
            return;
        }
        // The slot's requests for other services lost their channel with the old socket: send them again, unless
        // part of their reply came already (a new attempt would start it again).
        List<AsyncRequest> stopped = new ArrayList<>();
        for (AsyncRequest other : slot.outstanding.values()) {
            if (other.parts == 0) {
                write(slot, other);
            } else {
                stopped.add(other);
            }
        }
        for (AsyncRequest other : stopped) {
            slot.outstanding.remove(other.lane);
            other.timer.cancel();
            fail(other);
        }
    }

    /** Connects the slot if it has no socket; the reason when no endpoint can be connected, else null. */
    private EndpointException ensureConnected(Slot slot) {
        if (slot.socket != null) {
            return null;
        }
        try {
            slot.socket = ring.connect(() -> Sockets.create(context, SocketType.DEALER, curve),
                    context::destroySocket);
        } catch (EndpointException e) {
            LOG.debug("{}", e.getMessage()); // the caller learns it from the request's future
            return e;
        }
        reactor.register(slot.socket, readable -> onReadable(slot));
        return null;
    }

    /** Requests sent and not yet finished (waiting or in flight). */
    public int pending() {
        return pending.get();
    }

    /** How many times a timed-out slot's socket was replaced. */
    public int replacedSockets() {
        return replacedSockets;
    }

    /** Replies that matched no request (should stay 0 against a correct broker) or were malformed. */
    public long dropped() {
        return drops.total();
    }

    /** Fails every unfinished request with {@link IllegalStateException}, stops the thread, closes the sockets. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ReactorCalls.runAndWait(reactor, () -> {
            IllegalStateException cause = new IllegalStateException("client closed");
            for (AsyncLane lane : lanes.values()) {
                lane.waiting.forEach(request -> request.future.completeExceptionally(cause));
            }
            for (Slot slot : slots) {
                slot.outstanding.values().forEach(request -> request.future.completeExceptionally(cause));
            }
        }, "failing the client's open requests");
        reactor.close();
        context.close();
    }

    /** One DEALER connection and the requests it carries, at most one per service. */
    private static final class Slot {
        final int index;
        final Map<String, AsyncRequest> outstanding = new HashMap<>();
        ZMQ.Socket socket;

        Slot(int index) {
            this.index = index;
        }
    }

    public static final class Builder {
        private final List<String> endpoints = new ArrayList<>();
        private RetryPolicy policy = RetryPolicy.DEFAULT;
        private int connections = 16;
        private int maxPending = 100_000;
        private CurveClientKeys curve;
        private MdpDialect protocol = MdpDialect.MDP_0_1;

        private Builder() {
        }

        /** The dialect to speak (default {@link MdpDialect#MDP_0_1}); replies stream only in the 0.2 dialects. */
        public Builder protocol(MdpDialect protocol) {
            this.protocol = protocol;
            return this;
        }

        /** Talk CURVE to the broker (its public key, our key pair); {@code null} (the default) for plain text. */
        public Builder curve(CurveClientKeys keys) {
            this.curve = keys;
            return this;
        }

        /** Adds a broker endpoint (repeatable; a replaced connection moves to the next one). */
        public Builder connect(String endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder connect(List<String> endpoints) {
            endpoints.forEach(this::connect);
            return this;
        }

        /** Timeout and attempts for requests sent without their own policy. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** Pool size: at most this many requests per service in flight at once (1..1024, default 16). */
        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        /** Requests accepted but not finished, beyond which {@code send} fails at once (default 100,000). */
        public Builder maxPending(int maxPending) {
            this.maxPending = maxPending;
            return this;
        }

        /** Validates the settings and starts the client's thread. */
        public AsyncMajordomoClient build() {
            EndpointRing ring = new EndpointRing(endpoints);
            Require.notNull(policy, "retry policy");
            Require.notNull(protocol, "MDP dialect");
            Require.inRange(connections, 1, 1024, "connections");
            Require.positive(maxPending, "max pending requests");
            return new AsyncMajordomoClient(this, ring);
        }
    }
}
