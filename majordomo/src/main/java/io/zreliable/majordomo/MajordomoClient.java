package io.zreliable.majordomo;

import io.zreliable.common.Contexts;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.DropCounter;
import io.zreliable.common.EndpointException;
import io.zreliable.common.EndpointRing;
import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Sockets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A synchronous Majordomo client (MDP/0.1 client side, Lazy Pirate style): sends a request to a service and waits
 * for the reply; when none comes within the {@link RetryPolicy} timeout it closes the socket, connects a new one to
 * the next endpoint and sends again, up to the policy's attempts, then throws {@link RequestTimeoutException}.
 * Because every retry uses a new socket, a late reply to an abandoned attempt can never be taken for the reply to a
 * newer request.
 *
 * <pre>{@code
 * try (MajordomoClient client = new MajordomoClient(List.of("tcp://127.0.0.1:5555"), RetryPolicy.DEFAULT)) {
 *     String reply = client.send("echo", "hello");
 * }
 * }</pre>
 *
 * <h2>Thread contract</h2>
 * Not thread-safe: the socket belongs to the thread that calls {@link #send}; use one client per thread (or
 * {@link AsyncMajordomoClient} for concurrency).
 */
public final class MajordomoClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoClient.class);

    private final ZContext context;
    private final EndpointRing ring;
    private final RetryPolicy policy;
    private final DropCounter drops = new DropCounter(LOG);
    private final CurveClientKeys curve;
    private ZMQ.Socket socket;

    public MajordomoClient(List<String> endpoints, RetryPolicy policy) {
        this(endpoints, policy, null);
    }

    /**
     * A client that talks CURVE to the broker when {@code curve} is set (the broker's public key and our own key
     * pair, which the broker must allow), plain text when it is {@code null}.
     */
    public MajordomoClient(List<String> endpoints, RetryPolicy policy, CurveClientKeys curve) {
        this.ring = new EndpointRing(endpoints);
        this.policy = Require.notNull(policy, "retry policy");
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

    /**
     * Sends {@code request} (one or more body frames, left untouched) to {@code service} and returns the reply body.
     *
     * @throws RequestTimeoutException when no attempt was answered
     * @throws EndpointException when no endpoint can be connected (say no host resolves)
     */
    public ZMsg send(String service, ZMsg request) {
        Require.notNull(service, "service");
        Require.that(request != null && !request.isEmpty(), "a request needs at least one body frame");
        byte[] name = Frames.utf8(service);
        List<byte[]> body = new ArrayList<>(request.size());
        for (ZFrame frame : request) {
            body.add(frame.getData());
        }
        ring.clearTried();
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            if (socket == null) {
                socket = open();
            }
            ZMsg msg = new ZMsg();
            msg.add(MdpProtocol.EMPTY);
            msg.add(MdpProtocol.CLIENT_HEADER);
            msg.add(name);
            body.forEach(msg::add);
            msg.send(socket);
            ZMsg reply = awaitReply(name);
            if (reply != null) {
                return reply;
            }
            LOG.debug("no reply from {} for {} within {} ms (attempt {} of {})", ring.current(), service,
                    policy.timeoutMillis(), attempt, policy.attempts());
            // A new socket: whatever the old one might still receive belongs to an abandoned attempt.
            context.destroySocket(socket);
            socket = null;
            ring.advance();
        }
        throw new RequestTimeoutException("majordomo request to service '" + service + "'", policy.attempts(),
                ring.tried(), policy.timeoutMillis());
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

    private ZMsg awaitReply(byte[] service) {
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
                MessageReader in = MessageReader.of(msg);
                in.expectEmpty("envelope delimiter");
                in.expect(MdpProtocol.CLIENT_HEADER, "MDP/Client header");
                byte[] replyService = in.next("service name").getData();
                in.expectMore("reply body");
                if (Arrays.equals(replyService, service)) {
                    return in.rest();
                }
                drops.drop("reply for another service", Frames.printable(replyService));
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
        }
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
