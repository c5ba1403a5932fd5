package io.zreliable.binarystar;

import io.zreliable.common.Eventually;
import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.Reactor;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Shared pieces of the socket tests: free ports, waiting on a condition, a one-shot client, a cuttable link. */
final class TestSupport {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final long HEARTBEAT_MS = 50;

    private TestSupport() {
    }

    /** A TCP port free right now, for endpoints that must be reused across a restart. */
    static int freePort() {
        return LoopbackPorts.free();
    }

    static String endpoint(int port) {
        return LoopbackPorts.endpoint(port);
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) {
        Eventually.until(what, WAIT, condition);
    }

    /**
     * Sends one request on a fresh REQ socket and returns the reply, or null if none came within {@code timeout}.
     * Test scaffolding only: it never retries.
     */
    static String requestOnce(ZContext ctx, String endpoint, String body, Duration timeout) {
        ZMQ.Socket req = connect(ctx, SocketType.REQ, endpoint);
        try {
            req.setReceiveTimeOut((int) timeout.toMillis());
            req.send(body);
            return req.recvStr();
        } finally {
            ctx.destroySocket(req);
        }
    }

    /**
     * A socket connected to {@code endpoint}, without linger, and retrying a stalled ZMTP handshake after
     * {@link BinaryStar#HANDSHAKE_MS} instead of JeroMQ's 30 s.
     */
    static ZMQ.Socket connect(ZContext ctx, SocketType type, String endpoint) {
        ZMQ.Socket socket = ctx.createSocket(type);
        socket.setLinger(0);
        socket.setHandshakeIvl(BinaryStar.HANDSHAKE_MS);
        socket.connect(endpoint);
        return socket;
    }

    /** Echoes each request back on the socket it came from, envelope included. */
    static void echo(ZMQ.Socket socket, ZMsg request) {
        request.send(socket);
    }

    /**
     * Forwards one server's state messages to the other, so a test can cut the state link between them (by closing
     * the relay) while both servers keep running.
     */
    static final class StateRelay implements AutoCloseable {
        private final ZContext ctx;
        private final Reactor reactor = new Reactor();
        private final ZMQ.Socket in;
        private final ZMQ.Socket out;
        final String endpoint;

        StateRelay(ZContext ctx, String source) {
            this(ctx, source, freePort());
        }

        /** A relay publishing on {@code port}, so that a link cut by closing it can be restored by a new one. */
        StateRelay(ZContext ctx, String source, int port) {
            this.ctx = ctx;
            in = connect(ctx, SocketType.SUB, source);
            in.subscribe(ZMQ.SUBSCRIPTION_ALL);
            out = ctx.createSocket(SocketType.PUB);
            out.setLinger(0);
            endpoint = endpoint(port);
            out.bind(endpoint);
            reactor.register(in, s -> {
                ZMsg msg = ZMsg.recvMsg(s, ZMQ.DONTWAIT);
                if (msg != null) {
                    msg.send(out);
                }
            });
            reactor.start("state-relay");
        }

        @Override
        public void close() {
            reactor.close();
            ctx.destroySocket(in);
            ctx.destroySocket(out);
        }
    }
}
