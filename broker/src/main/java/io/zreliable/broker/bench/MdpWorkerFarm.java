package io.zreliable.broker.bench;

import io.zreliable.common.Contexts;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.Reactor;
import io.zreliable.common.Sockets;
import io.zreliable.majordomo.MdpCodec;
import io.zreliable.majordomo.MdpCommand;
import io.zreliable.majordomo.MdpDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Many MDP/0.1 echo workers on one reactor thread, speaking the wire protocol directly so that thousands of them
 * cost one thread: each is a DEALER that sends READY for its service, answers every REQUEST with a REPLY carrying
 * the request body, and heartbeats the broker. Used to load the broker, not as a worker API.
 */
final class MdpWorkerFarm implements AutoCloseable {
    private static final MdpDialect DIALECT = MdpDialect.MDP_0_1;
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
                    MdpCodec.encode(DIALECT, new MdpCommand.Ready(service)).send(worker);
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

    /** Reads every waiting message: answers REQUEST with its body, counts DISCONNECT, ignores the rest. */
    private void serve(ZMQ.Socket worker) {
        ZMsg msg;
        while ((msg = ZMsg.recvMsg(worker, ZMQ.DONTWAIT)) != null) {
            MdpCommand command;
            try {
                command = MdpCodec.decode(msg, MdpCodec.Direction.FROM_BROKER).command();
            } catch (MalformedMessageException e) {
                continue; // the broker under test sent garbage: nothing to answer
            }
            if (command instanceof MdpCommand.Request request) {
                MdpCodec.encode(DIALECT, new MdpCommand.Final(request.client(), request.body())).send(worker);
                served.incrementAndGet();
            } else if (command instanceof MdpCommand.Disconnect) {
                disconnects.incrementAndGet();
            }
        }
    }

    private void heartbeatAll() {
        for (ZMQ.Socket worker : workers) {
            MdpCodec.encode(DIALECT, new MdpCommand.Heartbeat()).send(worker);
        }
    }

    @Override
    public void close() {
        reactor.close();
        context.close();
    }
}
