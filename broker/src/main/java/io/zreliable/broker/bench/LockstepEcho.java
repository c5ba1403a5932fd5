package io.zreliable.broker.bench;

import io.zreliable.common.Contexts;
import io.zreliable.common.Sockets;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The ceiling of one MDP worker: a ROUTER sends one request at a time to a DEALER echo peer and waits for its
 * answer, exactly the exchange a broker has with a worker, which MDP lets hold only one request at a time. No
 * broker code runs; the peer has its own context (its own I/O thread), like a worker process. The ROUTER side
 * belongs to the thread that calls {@link #roundTrip}.
 */
final class LockstepEcho implements AutoCloseable {
    private static final int RECEIVE_TIMEOUT_MILLIS = 10_000;

    private final ZContext routerContext = Contexts.create();
    private final ZContext peerContext = Contexts.create();
    private final ZMQ.Socket router;
    private final Thread peer;
    private final byte[] peerId;

    LockstepEcho() {
        router = Sockets.create(routerContext, SocketType.ROUTER);
        router.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        router.bind("tcp://127.0.0.1:*");
        String endpoint = router.getLastEndpoint();
        peer = new Thread(() -> echo(endpoint), "bench-lockstep-peer");
        peer.setDaemon(true);
        peer.start();
        // The peer says hello first, so the ROUTER learns its routing id.
        peerId = router.recv(0);
        if (peerId == null) {
            throw new IllegalStateException("lock-step peer did not connect within " + RECEIVE_TIMEOUT_MILLIS + " ms");
        }
        drainRest();
    }

    /** One request, one reply: [peer][body] out, [peer][body] back. */
    void roundTrip(byte[] body) {
        router.sendMore(peerId);
        router.send(body, 0);
        if (router.recv(0) == null) {
            throw new IllegalStateException("no echo within " + RECEIVE_TIMEOUT_MILLIS + " ms");
        }
        drainRest();
    }

    private void drainRest() {
        while (router.hasReceiveMore()) {
            router.recv(0);
        }
    }

    /** Runs on the peer thread until its context is closed. */
    private void echo(String endpoint) {
        ZMQ.Socket dealer = Sockets.create(peerContext, SocketType.DEALER);
        dealer.connect(endpoint);
        dealer.send("hello");
        try {
            while (Echo.once(dealer)) {
                // one message echoed; the next
            }
        } catch (RuntimeException e) {
            // The context was closed under the blocking recv: the run is over.
        }
    }

    @Override
    public void close() throws InterruptedException {
        peerContext.close();
        peer.join(RECEIVE_TIMEOUT_MILLIS);
        routerContext.close();
    }
}
