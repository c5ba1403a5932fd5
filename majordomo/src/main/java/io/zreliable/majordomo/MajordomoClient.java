package io.zreliable.majordomo;

import io.zreliable.common.Contexts;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Sockets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A synchronous Majordomo client (Lazy Pirate style): sends a request to a service and waits for the reply; when none
 * comes within the {@link RetryPolicy} timeout it closes the socket, connects a new one to the next endpoint and
 * sends again, up to the policy's attempts, then throws {@link RequestTimeoutException}. Because every retry uses a
 * new socket, a late reply to an abandoned attempt can never be taken for the reply to a newer request.
 *
 * <p>It speaks MDP/0.1 unless given another {@link MdpDialect}. In the 0.2 dialects a reply may come in parts:
 * {@link #stream} hands them over one by one as they arrive, and {@link #send} joins them into one message.
 *
 * <pre>{@code
 * try (MajordomoClient client = new MajordomoClient(List.of("tcp://127.0.0.1:5555"), RetryPolicy.DEFAULT)) {
 *     String reply = client.send("echo", "hello");
 * }
 * }</pre>
 *
 * <h2>Streams and retries</h2>
 * The policy's timeout bounds the wait for each part. An attempt that has brought no part yet is retried as above.
 * Once a part has arrived, a timeout ends the stream with {@link RequestTimeoutException} instead: a retry would
 * start the reply again, and the parts of two attempts must never be mixed. Starting another request while a stream
 * is unfinished abandons that stream (its socket is replaced, so none of its parts can turn up later).
 *
 * <h2>Thread contract</h2>
 * Not thread-safe: the socket belongs to the thread that calls {@link #send} and {@link #stream}; use one client per
 * thread (or {@link AsyncMajordomoClient} for concurrency).
 */
public final class MajordomoClient implements AutoCloseable {
    /**
     * Most bytes {@link #send} (and {@link AsyncMajordomoClient}'s {@code send}) joins from a streamed reply; a
     * longer stream fails with {@link IllegalStateException}: take it part by part with {@code stream}.
     */
    public static final long MAX_JOINED_BYTES = 256L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoClient.class);

    private final ZContext context;
    private final EndpointRing ring;
    private final RetryPolicy policy;
    private final DropCounter drops = new DropCounter(LOG);
    private final CurveClientKeys curve;
    private final MdpDialect dialect;
    private ZMQ.Socket socket;
    /** The stream whose parts the socket may still bring; null when none is unfinished. */
    private Parts open;

    public MajordomoClient(List<String> endpoints, RetryPolicy policy) {
        this(endpoints, policy, null);
    }

    /**
     * A client that talks CURVE to the broker when {@code curve} is set (the broker's public key and our own key
     * pair, which the broker must allow), plain text when it is {@code null}.
     */
    public MajordomoClient(List<String> endpoints, RetryPolicy policy, CurveClientKeys curve) {
        this(endpoints, policy, curve, MdpDialect.MDP_0_1);
    }

    /** A client speaking {@code dialect} (CURVE when {@code curve} is set). */
    public MajordomoClient(List<String> endpoints, RetryPolicy policy, CurveClientKeys curve, MdpDialect dialect) {
        this.ring = new EndpointRing(endpoints);
        this.policy = Require.notNull(policy, "retry policy");
        this.dialect = Require.notNull(dialect, "MDP dialect");
        this.curve = curve;
        // Created only once the arguments are known good, so a bad endpoint leaks nothing.
        this.context = Contexts.create();
        try {
            this.socket = open();
        } catch (EndpointException e) {
            context.close();
            throw e;
        }
    }

    public MajordomoClient(String endpoint) {
        this(List.of(endpoint), RetryPolicy.DEFAULT);
    }

    /** The dialect this client speaks. */
    public MdpDialect dialect() {
        return dialect;
    }

    /**
     * Sends {@code request} (one or more body frames, left untouched) to {@code service} and returns the reply body:
     * in the 0.2 dialects the frames of every part, in order.
     *
     * @throws RequestTimeoutException when no attempt was answered, or a stream stopped part way
     * @throws IllegalStateException when a streamed reply is over {@link #MAX_JOINED_BYTES}
     * @throws EndpointException when no endpoint can be connected (say no host resolves)
     */
    public ZMsg send(String service, ZMsg request) {
        Iterator<ZMsg> parts = stream(service, request);
        ZMsg reply = new ZMsg();
        long bytes = 0;
        while (parts.hasNext()) {
            ZMsg part = parts.next();
            bytes += Frames.byteSize(part);
            if (bytes > MAX_JOINED_BYTES) {
                replaceSocket(); // the rest of the stream must not reach the next request
                open = null;
                throw new IllegalStateException("streamed reply from " + service + " over " + MAX_JOINED_BYTES
                        + " bytes: use stream() to take it part by part");
            }
            reply.addAll(part);
        }
        return reply;
    }

    /**
     * Sends {@code request} to {@code service} and returns its reply's parts as they arrive: each PARTIAL, then the
     * FINAL (in MDP/0.1 the one REPLY), after which {@code hasNext()} is false. {@code hasNext()} blocks for the next
     * part and throws {@link RequestTimeoutException} as the class comment says.
     */
    public Iterator<ZMsg> stream(String service, ZMsg request) {
        MdpCodec.checkServiceName(service);
        Require.that(request != null && !request.isEmpty(), "a request needs at least one body frame");
        if (open != null) {
            LOG.debug("abandoning the unfinished stream from {}", open.service);
            replaceSocket();
        }
        List<byte[]> body = new ArrayList<>(request.size());
        for (ZFrame frame : request) {
            body.add(frame.getData());
        }
        ring.clearTried();
        if (socket == null) {
            socket = open(); // the last replacement found no endpoint it could connect
        }
        open = new Parts(service, body);
        open.transmit();
        return open;
    }

    /** Sends a one-frame UTF-8 request and returns the reply's frames joined as text. */
    public String send(String service, String request) {
        ZMsg reply = send(service, Frames.message(request));
        StringBuilder text = new StringBuilder();
        for (ZFrame frame : reply) {
            text.append(frame.getString(ZMQ.CHARSET));
        }
        return text.toString();
    }

    /** One request's reply parts; reads the socket only while it is the client's open stream. */
    private final class Parts implements Iterator<ZMsg> {
        final String service;
        final List<byte[]> body;
        int attempt;
        int received;
        ZMsg next;
        boolean ended;

        Parts(String service, List<byte[]> body) {
            this.service = service;
            this.body = body;
        }

        void transmit() {
            attempt++;
            ZMsg msg = new ZMsg();
            body.forEach(msg::add);
            MdpCodec.encode(dialect, new MdpCommand.ClientRequest(service, msg)).send(socket);
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (ended) {
                return false;
            }
            if (open != this) {
                throw new IllegalStateException("stream abandoned: the client sent another request");
            }
            while (next == null) {
                MdpCommand part = awaitPart(service);
                if (part != null) {
                    received++;
                    boolean last = part instanceof MdpCommand.ClientFinal;
                    next = last ? ((MdpCommand.ClientFinal) part).body() : ((MdpCommand.ClientPartial) part).body();
                    if (last) {
                        ended = true;
                        open = null;
                    }
                } else {
                    LOG.debug("no reply from {} for {} within {} ms (attempt {} of {})", ring.current(), service,
                            policy.timeoutMillis(), attempt, policy.attempts());
                    // A new socket (and the next endpoint) for whatever comes next: anything the old one might
                    // still receive belongs to an abandoned attempt.
                    replaceSocket();
                    if (received == 0 && attempt < policy.attempts()) {
                        transmit();
                        continue;
                    }
                    ended = true;
                    open = null;
                    throw new RequestTimeoutException("majordomo request to service '" + service + "'"
                            + (received == 0 ? "" : " (stream stopped after " + received + " parts)"), attempt,
                            ring.tried(), policy.timeoutMillis());
                }
            }
            return true;
        }

        @Override
        public ZMsg next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the reply has ended");
            }
            ZMsg part = next;
            next = null;
            return part;
        }
    }

    /** The next part of the reply from {@code service}, or null when none came within the timeout. */
    private MdpCommand awaitPart(String service) {
        long deadline = System.nanoTime() + policy.timeout().toNanos();
        while (true) {
            long waitMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (waitMillis <= 0) {
                return null;
            }
            socket.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, waitMillis));
            ZMsg msg = ZMsg.recvMsg(socket);
            if (msg == null) {
                return null;
            }
            try {
                MdpCodec.Decoded decoded = MdpCodec.decode(msg, MdpCodec.Direction.FROM_BROKER);
                MdpCommand part = decoded.command();
                String replyService = part instanceof MdpCommand.ClientFinal reply ? reply.service()
                        : part instanceof MdpCommand.ClientPartial partial ? partial.service() : service;
                if (decoded.dialect() != dialect || !(part instanceof MdpCommand.ClientFinal
                        || part instanceof MdpCommand.ClientPartial)) {
                    drops.drop("wrong dialect", decoded.dialect() + " " + MdpCommand.describe(part));
                } else if (replyService != null && !Objects.equals(replyService, service)) {
                    drops.drop("reply for another service", replyService);
                } else {
                    return part;
                }
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
        }
    }

    /** Drops the socket (whatever it may still receive belongs to an abandoned attempt) for the next endpoint. */
    private void replaceSocket() {
        context.destroySocket(socket);
        socket = null;
        ring.advance();
        socket = open();
    }

    /** A socket connected to the current endpoint, or the next that can be connected. */
    private ZMQ.Socket open() {
        return ring.connect(() -> Sockets.create(context, SocketType.DEALER, curve), context::destroySocket);
    }

    /** Malformed or unmatched replies dropped so far. */
    public long dropped() {
        return drops.total();
    }

    @Override
    public void close() {
        context.close();
    }
}
