package io.zreliable.lazypirate;

import io.zreliable.common.Reactor;
import java.util.concurrent.atomic.AtomicInteger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A worker that speaks raw frames exactly as the Guide's ppworker (C, Java, Python) does, written without any of
 * our classes but the reactor: a DEALER that sends the single byte 0x01 on connect and 0x02 every interval, accepts
 * a request only as exactly 3 frames (client address, empty, body) and sends it back unchanged as the reply, and
 * counts a 1-frame 0x02 from the queue as a heartbeat. {@link #close()} kills it without a word, like a crash.
 */
final class GuideWorker implements AutoCloseable {
    private static final byte[] PPP_READY = {1};
    private static final byte[] PPP_HEARTBEAT = {2};

    private final ZContext ctx;
    private final ZMQ.Socket socket;
    private final Reactor reactor = new Reactor();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger heartbeats = new AtomicInteger();
    private final AtomicInteger invalid = new AtomicInteger();
    private boolean closed;

    GuideWorker(ZContext ctx, String endpoint, long heartbeatMillis) {
        this.ctx = ctx;
        socket = ctx.createSocket(SocketType.DEALER);
        socket.setLinger(0);
        socket.connect(endpoint);
        socket.send(PPP_READY, 0);
        reactor.register(socket, s -> onMessage());
        reactor.scheduleRepeating(heartbeatMillis, () -> socket.send(PPP_HEARTBEAT, 0));
        reactor.start("guide-worker");
    }

    int requests() {
        return requests.get();
    }

    int heartbeats() {
        return heartbeats.get();
    }

    int invalid() {
        return invalid.get();
    }

    private void onMessage() {
        ZMsg msg = ZMsg.recvMsg(socket);
        if (msg.size() == 3) {
            requests.incrementAndGet();
            msg.send(socket);
        } else if (msg.size() == 1 && msg.getFirst().size() == 1 && msg.getFirst().getData()[0] == 2) {
            heartbeats.incrementAndGet();
        } else {
            invalid.incrementAndGet();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        reactor.close();
        ctx.destroySocket(socket);
    }
}
