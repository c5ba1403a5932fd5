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
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Many MDP/0.1 clients on one reactor thread, speaking the wire protocol directly: each is a DEALER with one
 * request outstanding at a time, sending to its own service (client i uses service i mod services) and sending the
 * next request as soon as its reply arrives.
 */
final class MdpClientFarm implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    private static final long RUN_GRACE_SECONDS = 60;
    private static final int SPARE_SOCKETS = 16;

    private final ZContext context = Contexts.create();
    private final Reactor reactor = new Reactor();
    private final List<ZMQ.Socket> clients = new ArrayList<>();
    private final String[] serviceOf;
    private final long[] sentAt;
    private byte[] body = EMPTY;
    private LatencyRecorder recorder;
    private long deadline;
    private int outstanding;
    private CompletableFuture<LatencySample> run;
    private long runStart;

    MdpClientFarm(String broker, int clientCount, List<String> services) throws Exception {
        // JeroMQ allows 1,024 sockets per context unless told otherwise.
        context.getContext().setMaxSockets(clientCount + SPARE_SOCKETS);
        serviceOf = new String[clientCount];
        sentAt = new long[clientCount];
        reactor.start("bench-client-farm");
        CompletableFuture<Void> started = new CompletableFuture<>();
        reactor.execute(() -> {
            for (int i = 0; i < clientCount; i++) {
                ZMQ.Socket client = Sockets.create(context, SocketType.DEALER);
                client.setLinger(0);
                client.connect(broker);
                serviceOf[i] = services.get(i % services.size());
                int index = i;
                reactor.register(client, socket -> onReply(index, socket));
                clients.add(client);
            }
            started.complete(null);
        });
        started.get(RUN_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Every client sends requests back to back for {@code durationMillis}; returns when all replies are in. */
    LatencySample run(byte[] requestBody, long durationMillis) throws Exception {
        CompletableFuture<LatencySample> result = new CompletableFuture<>();
        reactor.execute(() -> {
            body = requestBody;
            recorder = new LatencyRecorder();
            run = result;
            runStart = System.nanoTime();
            deadline = runStart + durationMillis * 1_000_000L;
            outstanding = clients.size();
            for (int i = 0; i < clients.size(); i++) {
                send(i);
            }
        });
        return result.get(durationMillis + TimeUnit.SECONDS.toMillis(RUN_GRACE_SECONDS), TimeUnit.MILLISECONDS);
    }

    private void send(int index) {
        ZMQ.Socket client = clients.get(index);
        sentAt[index] = System.nanoTime();
        ZMsg request = new ZMsg();
        request.add(body);
        MdpCodec.encode(MdpDialect.MDP_0_1, new MdpCommand.ClientRequest(serviceOf[index], request)).send(client);
    }

    /** A reply is an MDP/0.1 client message naming a service; anything else on a client socket is ignored. */
    private void onReply(int index, ZMQ.Socket client) {
        ZMsg reply;
        while ((reply = ZMsg.recvMsg(client, ZMQ.DONTWAIT)) != null) {
            if (!isReply(reply) || run == null || run.isDone()) {
                continue; // not a reply, or nothing outstanding: a stray message, not counted
            }
            long now = System.nanoTime();
            recorder.record(now - sentAt[index]);
            if (now < deadline) {
                send(index);
            } else if (--outstanding == 0) {
                run.complete(recorder.sample(now - runStart));
            }
        }
    }

    private static boolean isReply(ZMsg msg) {
        try {
            return MdpCodec.decode(msg, MdpCodec.Direction.FROM_BROKER).command() instanceof MdpCommand.ClientFinal;
        } catch (MalformedMessageException e) {
            return false;
        }
    }

    @Override
    public void close() {
        reactor.close();
        context.close();
    }
}
