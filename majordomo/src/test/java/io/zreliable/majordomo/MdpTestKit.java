package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.Sockets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Brokers, workers, clients and raw sockets for tests, all closed by {@link #close()}. Short heartbeats, generous
 * deadlines.
 */
final class MdpTestKit implements AutoCloseable {
    /** Fast heartbeats, but 3 s of silence before a peer counts as dead: the test machine may stall for a second. */
    static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(30).build();
    static final BackoffConfig BACKOFF = BackoffConfig.builder().initialMillis(20).maxMillis(200).build();

    private final List<AutoCloseable> resources = new ArrayList<>();
    final ZContext context = new ZContext();

    /** Closes {@code resource} with the kit, before the resources added earlier. */
    void track(AutoCloseable resource) {
        resources.add(resource);
    }

    MajordomoBroker broker(String endpoint) {
        return broker(BrokerConfig.builder().bind(endpoint).heartbeat(HEARTBEAT));
    }

    MajordomoBroker broker(BrokerConfig.Builder config) {
        return broker(new MajordomoBroker(config.build()));
    }

    MajordomoBroker broker(MajordomoBroker broker) {
        resources.add(broker);
        return broker.start();
    }

    MajordomoWorker worker(String endpoint, String service, RequestHandler handler) {
        return worker(WorkerConfig.builder(service).connect(endpoint).heartbeat(HEARTBEAT).backoff(BACKOFF), handler);
    }

    MajordomoWorker worker(WorkerConfig.Builder config, RequestHandler handler) {
        MajordomoWorker worker = new MajordomoWorker(config.build(), handler);
        resources.add(worker);
        return worker.start();
    }

    MajordomoWorker echoWorker(String endpoint, String service) {
        return worker(endpoint, service, request -> request);
    }

    MajordomoClient client(String endpoint, long timeoutMillis, int attempts) {
        MajordomoClient client = new MajordomoClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(timeoutMillis).attempts(attempts).build());
        resources.add(client);
        return client;
    }

    /** A raw DEALER connected to {@code endpoint}, for speaking (bad) MDP by hand. */
    ZMQ.Socket dealer(String endpoint) {
        ZMQ.Socket socket = Sockets.create(context, SocketType.DEALER);
        socket.connect(endpoint);
        return socket;
    }

    /** The next message on {@code socket}, failing the test if none comes within the deadline. */
    static ZMsg receive(ZMQ.Socket socket) {
        socket.setReceiveTimeOut((int) Await.DEADLINE.toMillis());
        ZMsg msg = ZMsg.recvMsg(socket);
        assertNotNull(msg, "no message within " + Await.DEADLINE);
        return msg;
    }

    /** The next message on a raw MDP/0.1 worker socket that is not a broker HEARTBEAT. */
    static ZMsg receiveSkippingHeartbeats(ZMQ.Socket worker) {
        return receiveSkippingHeartbeats(worker, MdpDialect.MDP_0_1);
    }

    /** The next message on a raw worker socket of {@code dialect} that is not a broker HEARTBEAT. */
    static ZMsg receiveSkippingHeartbeats(ZMQ.Socket worker, MdpDialect dialect) {
        ZMsg heartbeat = MdpCodec.encode(dialect, new MdpCommand.Heartbeat());
        while (true) {
            ZMsg msg = receive(worker);
            if (!sameFrames(msg, heartbeat)) {
                return msg;
            }
        }
    }

    /** True when both messages have the same frames, byte for byte. */
    static boolean sameFrames(ZMsg a, ZMsg b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<ZFrame> other = b.iterator();
        for (ZFrame frame : a) {
            if (!Arrays.equals(frame.getData(), other.next().getData())) {
                return false;
            }
        }
        return true;
    }

    /** A TCP port free right now, for a broker that must come back on the same port. */
    static int freePort() {
        return LoopbackPorts.free();
    }

    /** A raw MDP/0.1 worker message: the codec's leading frames, then {@code command} and {@code frames}. */
    static ZMsg workerCommand(byte command, String... frames) {
        return workerCommand(MdpDialect.MDP_0_1, command, frames);
    }

    /** A raw worker message of {@code dialect}, possibly broken: the codec's leading frames, then the rest. */
    static ZMsg workerCommand(MdpDialect dialect, byte command, String... frames) {
        ZMsg msg = MdpCodec.envelope(dialect, MdpCodec.Role.WORKER);
        msg.add(new byte[] {command});
        for (String frame : frames) {
            msg.add(frame);
        }
        return msg;
    }

    /** A raw MDP/0.1 client request (the service name is not checked, so tests may break it). */
    static ZMsg clientRequest(String service, String... body) {
        ZMsg msg = MdpCodec.envelope(MdpDialect.MDP_0_1, MdpCodec.Role.CLIENT);
        msg.add(service);
        for (String frame : body) {
            msg.add(frame);
        }
        return msg;
    }

    @Override
    public void close() {
        try {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("closing a test resource failed", e);
        } finally {
            context.close();
        }
    }
}
