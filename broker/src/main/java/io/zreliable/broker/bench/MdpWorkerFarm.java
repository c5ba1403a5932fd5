package io.zreliable.broker.bench;

import io.zreliable.common.Contexts;
import io.zreliable.common.Reactor;
import io.zreliable.common.Sockets;
import io.zreliable.majordomo.MdpProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Many MDP/0.1 echo workers on one reactor thread, speaking the wire protocol directly so that thousands of them
 * cost one thread: each is a DEALER that sends READY for its service, answers every REQUEST with a REPLY carrying
 * the request body, and heartbeats the broker. Used to load the broker, not as a worker API.
 */
final class MdpWorkerFarm implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] HEADER = MdpProtocol.workerHeader();
    private static final byte[] READY = {MdpProtocol.READY};
    private static final byte[] REPLY = {MdpProtocol.REPLY};
    private static final byte[] HEARTBEAT = {MdpProtocol.HEARTBEAT};
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final int SPARE_SOCKETS = 16;

    private final ZContext context = Contexts.create();
    private final Reactor reactor = new Reactor();
    private final List<ZMQ.Socket> workers = new ArrayList<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();

    /** Connects {@code perService} workers for each service and starts serving. */
    MdpWorkerFarm(String broker, List<String> services, int perService, long heartbeatMillis) throws Exception {
        // JeroMQ allows 1,024 sockets per context unless told otherwise.
        context.getContext().setMaxSockets(services.size() * perService + SPARE_SOCKETS);
        reactor.start("bench-worker-farm");
        CompletableFuture<Void> started = new CompletableFuture<>();
        reactor.execute(() -> {
            for (String service : services) {
                for (int i = 0; i < perService; i++) {
                    ZMQ.Socket worker = Sockets.create(context, SocketType.DEALER);
                    worker.setLinger(0);
                    worker.connect(broker);
                    worker.sendMore(EMPTY);
                    worker.sendMore(HEADER);
                    worker.sendMore(READY);
                    worker.send(service);
                    reactor.register(worker, this::serve);
                    workers.add(worker);
                }
            }
            reactor.scheduleRepeating(heartbeatMillis, this::heartbeatAll);
            started.complete(null);
        });
        started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    long served() {
        return served.get();
    }

    /** DISCONNECTs received: a healthy run has none. */
    long disconnects() {
        return disconnects.get();
    }

    /** Reads every waiting message: [empty][MDPW01][command][...]; answers REQUEST, counts DISCONNECT. */
    private void serve(ZMQ.Socket worker) {
        byte[] delimiter;
        while ((delimiter = worker.recv(ZMQ.DONTWAIT)) != null) {
            if (delimiter.length != 0 || !worker.hasReceiveMore()) {
                drain(worker);
                continue;
            }
            worker.recv(0); // header
            byte[] command = worker.hasReceiveMore() ? worker.recv(0) : EMPTY;
            if (command.length == 1 && command[0] == MdpProtocol.REQUEST && worker.hasReceiveMore()) {
                byte[] client = worker.recv(0);
                worker.recv(0); // empty
                worker.sendMore(EMPTY);
                worker.sendMore(HEADER);
                worker.sendMore(REPLY);
                worker.sendMore(client);
                worker.sendMore(EMPTY);
                echoRest(worker);
                served.incrementAndGet();
            } else {
                if (command.length == 1 && command[0] == MdpProtocol.DISCONNECT) {
                    disconnects.incrementAndGet();
                }
                drain(worker);
            }
        }
    }

    private static void echoRest(ZMQ.Socket worker) {
        boolean more = worker.hasReceiveMore();
        if (!more) {
            worker.send(EMPTY, 0);
            return;
        }
        while (more) {
            byte[] frame = worker.recv(0);
            more = worker.hasReceiveMore();
            worker.send(frame, more ? ZMQ.SNDMORE : 0);
        }
    }

    private static void drain(ZMQ.Socket socket) {
        while (socket.hasReceiveMore()) {
            socket.recv(0);
        }
    }

    private void heartbeatAll() {
        for (ZMQ.Socket worker : workers) {
            worker.sendMore(EMPTY);
            worker.sendMore(HEADER);
            worker.send(HEARTBEAT, 0);
        }
    }

    @Override
    public void close() {
        reactor.close();
        context.close();
    }
}
