package io.zreliable.broker.bench;

import io.zreliable.common.Contexts;
import io.zreliable.common.Reactor;
import io.zreliable.common.Sockets;
import io.zreliable.majordomo.MdpProtocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Many MDP/0.1 clients on one reactor thread, speaking the wire protocol directly: each is a DEALER with one
 * request outstanding at a time, sending to its own service (client i uses service i mod services) and sending the
 * next request as soon as its reply arrives.
 */
final class MdpClientFarm implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] HEADER = MdpProtocol.clientHeader();
    private static final long RUN_GRACE_SECONDS = 60;
    private static final int SPARE_SOCKETS = 16;

    private final ZContext context = Contexts.create();
    private final Reactor reactor = new Reactor();
    private final List<ZMQ.Socket> clients = new ArrayList<>();
    private final byte[][] serviceOf;
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
        serviceOf = new byte[clientCount][];
        sentAt = new long[clientCount];
        reactor.start("bench-client-farm");
        CompletableFuture<Void> started = new CompletableFuture<>();
        reactor.execute(() -> {
            for (int i = 0; i < clientCount; i++) {
                ZMQ.Socket client = Sockets.create(context, SocketType.DEALER);
                client.setLinger(0);
                client.connect(broker);
                serviceOf[i] = services.get(i % services.size()).getBytes(StandardCharsets.UTF_8);
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
        client.sendMore(EMPTY);
        client.sendMore(HEADER);
        client.sendMore(serviceOf[index]);
        client.send(body, 0);
    }

    /** A reply is [empty][MDPC01][service][body...]; anything else on a client socket is ignored. */
    private void onReply(int index, ZMQ.Socket client) {
        while (client.recv(ZMQ.DONTWAIT) != null) {
            while (client.hasReceiveMore()) {
                client.recv(0);
            }
            if (run == null || run.isDone()) {
                continue; // nothing outstanding: a stray message, not a reply to count
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

    @Override
    public void close() {
        reactor.close();
        context.close();
    }
}
