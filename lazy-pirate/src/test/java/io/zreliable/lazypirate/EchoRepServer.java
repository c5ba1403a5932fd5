package io.zreliable.lazypirate;

import io.zreliable.common.Reactor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * A plain REP server like the Guide's lpserver, on its own reactor thread: answers "echo:" + the request's first
 * frame. It can delay chosen replies (a slow server) or die without answering its n-th request (a crash).
 */
final class EchoRepServer implements AutoCloseable {
    private final ZContext ctx;
    private final ZMQ.Socket socket;
    private final Reactor reactor = new Reactor();
    private final IntToLongFunction delayMillis;
    private final int crashAt;
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch dead = new CountDownLatch(1);
    private boolean socketClosed;

    private EchoRepServer(ZContext ctx, String endpoint, IntToLongFunction delayMillis, int crashAt) {
        this.ctx = ctx;
        this.delayMillis = delayMillis;
        this.crashAt = crashAt;
        this.socket = ctx.createSocket(SocketType.REP);
        socket.setLinger(0);
        Ports.bindRetrying(socket, endpoint);
        reactor.register(socket, s -> onRequest());
        reactor.start("echo-rep-server");
    }

    static EchoRepServer start(ZContext ctx, String endpoint) {
        return new EchoRepServer(ctx, endpoint, n -> 0L, 0);
    }

    /** Replies to request n (1-based, counting every request received) after {@code delayMillis(n)} ms. */
    static EchoRepServer slow(ZContext ctx, String endpoint, IntToLongFunction delayMillis) {
        return new EchoRepServer(ctx, endpoint, delayMillis, 0);
    }

    /** Dies, closing its socket, when it receives its {@code crashAt}-th request, which it never answers. */
    static EchoRepServer crashingAt(ZContext ctx, String endpoint, int crashAt) {
        return new EchoRepServer(ctx, endpoint, n -> 0L, crashAt);
    }

    int received() {
        return received.get();
    }

    boolean awaitDeath(Duration timeout) throws InterruptedException {
        return dead.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onRequest() {
        ZMsg request = ZMsg.recvMsg(socket);
        int n = received.incrementAndGet();
        if (n == crashAt) {
            die();
            return;
        }
        ZMsg reply = ZMsg.newStringMsg("echo:" + request.getFirst().getString(ZMQ.CHARSET));
        long delay = delayMillis.applyAsLong(n);
        if (delay <= 0) {
            reply.send(socket);
        } else {
            // REP reads nothing more until this reply is sent, like a server busy with a slow request.
            reactor.schedule(delay, () -> {
                if (!socketClosed) {
                    reply.send(socket);
                }
            });
        }
    }

    private void die() {
        if (!socketClosed) {
            socketClosed = true;
            reactor.unregister(socket);
            ctx.destroySocket(socket);
        }
        reactor.stop();
        dead.countDown();
    }

    @Override
    public void close() {
        reactor.close();
        // The loop has ended, so this thread may take the socket over.
        if (!socketClosed) {
            socketClosed = true;
            ctx.destroySocket(socket);
        }
    }
}
