package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.await;
import static io.zreliable.binarystar.TestSupport.endpoint;
import static io.zreliable.binarystar.TestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.MdpProtocol;
import io.zreliable.majordomo.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Two {@link HaMajordomoBroker}s as a pair, with a real Majordomo worker and client that know both endpoints. */
class HaMajordomoBrokerTest extends SocketTest {
    private static final Duration PAIR_HEARTBEAT = Duration.ofMillis(100);
    private static final HeartbeatConfig MDP_HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).liveness(3).build();
    private static final Duration SANE = Duration.ofSeconds(10);

    private final int primaryState = freePort();
    private final int backupState = freePort();
    private final String primaryEndpoint = endpoint(freePort());
    private final String backupEndpoint = endpoint(freePort());

    private HaMajordomoBroker server(Role role) {
        return server(role, broker -> { });
    }

    private HaMajordomoBroker server(Role role, Consumer<MajordomoBroker> onActive) {
        boolean primary = role == Role.PRIMARY;
        BinaryStarConfig pair = BinaryStarConfig.builder()
                .role(role)
                .local(endpoint(primary ? primaryState : backupState))
                .peer(endpoint(primary ? backupState : primaryState))
                .heartbeat(PAIR_HEARTBEAT)
                .build();
        BrokerConfig broker = BrokerConfig.builder()
                .bind(primary ? primaryEndpoint : backupEndpoint)
                .heartbeat(MDP_HEARTBEAT)
                .build();
        return track(new HaMajordomoBroker(pair, broker)).onActive(onActive).start();
    }

    private MajordomoWorker echoWorker() {
        WorkerConfig config = WorkerConfig.builder("echo")
                .connect(primaryEndpoint)
                .connect(backupEndpoint)
                .heartbeat(MDP_HEARTBEAT)
                .backoff(BackoffConfig.builder().initialMillis(50).maxMillis(200).build())
                .build();
        return track(new MajordomoWorker(config, request -> request)).start();
    }

    private MajordomoClient client() {
        RetryPolicy policy = RetryPolicy.builder().timeoutMillis(500).attempts(20).build();
        return track(new MajordomoClient(List.of(primaryEndpoint, backupEndpoint), policy));
    }

    @Test
    void backupTakesOverWhenThePrimaryDiesAndClientsAndWorkersFollow() {
        HaMajordomoBroker primary = server(Role.PRIMARY);
        AtomicReference<MajordomoBroker> backupBroker = new AtomicReference<>();
        HaMajordomoBroker backup = server(Role.BACKUP, backupBroker::set);
        await("primary active with a broker, backup passive", () -> primary.broker().isPresent()
                && backup.state() == BstarState.PASSIVE);
        assertTrue(backup.broker().isEmpty(), "only the active server runs a broker");

        echoWorker();
        MajordomoClient client = client();
        int sent = exchange(client, 0, 10);

        long lastReply = System.nanoTime();
        primary.close();
        assertEquals("request-" + sent, client.send("echo", "request-" + sent));
        Duration failover = Duration.ofNanos(System.nanoTime() - lastReply);
        sent++;
        System.out.println("MEASURED HA majordomo failover at pair heartbeat " + PAIR_HEARTBEAT.toMillis()
                + " ms, MDP heartbeat " + MDP_HEARTBEAT.intervalMillis() + " ms, client timeout 500 ms: "
                + failover.toMillis() + " ms");
        assertTrue(failover.compareTo(SANE) < 0, "failover took " + failover);
        assertEquals(BstarState.ACTIVE, backup.state());
        assertSame(backupBroker.get(), backup.broker().orElseThrow(), "the hook got the running broker");
        sent = exchange(client, sent, 10);

        HaMajordomoBroker restarted = server(Role.PRIMARY);
        await("the restarted primary to come back passive", () -> restarted.state() == BstarState.PASSIVE);
        assertTrue(restarted.broker().isEmpty());
        exchange(client, sent, 10);
        assertEquals(BstarState.ACTIVE, backup.state());
    }

    @Test
    void aWorkerOfThePassiveServerRetriesAndCountsTheRefusals() {
        HaMajordomoBroker primary = server(Role.PRIMARY);
        HaMajordomoBroker backup = server(Role.BACKUP);
        await("primary active, backup passive", () -> primary.broker().isPresent()
                && backup.state() == BstarState.PASSIVE);

        // As a service beside the passive server (e.g. its Titanic) does: only the local endpoint.
        WorkerConfig config = WorkerConfig.builder("beside").connect(backupEndpoint).heartbeat(MDP_HEARTBEAT)
                .backoff(BackoffConfig.builder().initialMillis(20).maxMillis(50).build()).build();
        MajordomoWorker worker = track(new MajordomoWorker(config, request -> request)).start();
        await("three refusals", () -> worker.refusals() >= 3 && backup.refusedWorkers() >= 3);
        assertTrue(worker.connects() >= 3, "a new connection per attempt");
        assertEquals(0, worker.requests());
        assertEquals(BstarState.PASSIVE, backup.state(), "a worker's READY is not a vote");
    }

    @Test
    void thePassiveServerDisconnectsWorkersAndLeavesClientsUnanswered() {
        HaMajordomoBroker primary = server(Role.PRIMARY);
        HaMajordomoBroker backup = server(Role.BACKUP);
        await("primary active, backup passive", () -> primary.broker().isPresent()
                && backup.state() == BstarState.PASSIVE);

        ZMQ.Socket worker = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        worker.setReceiveTimeOut((int) TestSupport.WAIT.toMillis());
        ZMsg ready = new ZMsg();
        ready.add(new byte[0]);
        ready.add(MdpProtocol.workerHeader());
        ready.add(new byte[] {MdpProtocol.READY});
        ready.add("echo");
        ready.send(worker);
        ZMsg answer = ZMsg.recvMsg(worker);
        assertEquals(3, answer.size(), String.valueOf(answer));
        assertEquals(0, answer.pop().size());
        assertArrayEquals(MdpProtocol.workerHeader(), answer.pop().getData());
        assertArrayEquals(new byte[] {MdpProtocol.DISCONNECT}, answer.pop().getData());
        assertEquals(1, backup.refusedWorkers());

        ZMQ.Socket client = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        ZMsg request = new ZMsg();
        request.add(new byte[0]);
        request.add(MdpProtocol.clientHeader());
        request.add("echo");
        request.add("hello?");
        request.send(client);
        await("the passive server to refuse the client", () -> backup.drops().count("not active") == 1);
        assertEquals(BstarState.PASSIVE, backup.state(), "the primary is alive: a vote changes nothing");

        ZMQ.Socket garbage = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        garbage.send("nonsense");
        await("garbage to be dropped", () -> backup.drops().total() == 2);
        ctx.destroySocket(worker);
        ctx.destroySocket(client);
        ctx.destroySocket(garbage);
    }

    /** The gate answers MDP/0.2 workers in their own framing and counts 0.2 clients as votes (frames by hand). */
    @Test
    void thePassiveServerRefusesMdp02PeersInTheirDialect() {
        HaMajordomoBroker primary = server(Role.PRIMARY);
        HaMajordomoBroker backup = server(Role.BACKUP);
        await("primary active, backup passive", () -> primary.broker().isPresent()
                && backup.state() == BstarState.PASSIVE);

        ZMQ.Socket written = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        written.setReceiveTimeOut((int) TestSupport.WAIT.toMillis());
        ZMsg.newStringMsg("MDPW02", "\u0001", "echo").send(written);
        assertEquals(List.of("MDPW02", "\u0006"), strings(ZMsg.recvMsg(written)));

        ZMQ.Socket majortomo = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        majortomo.setReceiveTimeOut((int) TestSupport.WAIT.toMillis());
        ZMsg.newStringMsg("", "MDPW02", "\u0005").send(majortomo);
        assertEquals(List.of("", "MDPW02", "\u0006"), strings(ZMsg.recvMsg(majortomo)));
        assertEquals(2, backup.refusedWorkers());

        ZMQ.Socket client = TestSupport.connect(ctx, SocketType.DEALER, backupEndpoint);
        ZMsg.newStringMsg("MDPC02", "\u0001", "echo", "hello?").send(client);
        ZMsg.newStringMsg("", "MDPC02", "\u0002", "echo", "hello?").send(client);
        await("the passive server to refuse both clients", () -> backup.drops().count("not active") == 2);
        ctx.destroySocket(written);
        ctx.destroySocket(majortomo);
        ctx.destroySocket(client);
    }

    private static List<String> strings(ZMsg msg) {
        List<String> frames = new ArrayList<>();
        msg.forEach(frame -> frames.add(frame.getString(ZMQ.CHARSET)));
        return frames;
    }

    @Test
    void endpointsNeedFixedPorts() {
        BinaryStarConfig pair = BinaryStarConfig.builder().role(Role.PRIMARY).local(endpoint(primaryState))
                .peer(endpoint(backupState)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HaMajordomoBroker(pair, BrokerConfig.builder().bind("tcp://127.0.0.1:*").build()));
        assertEquals("an HA broker endpoint needs a fixed port, was tcp://127.0.0.1:*", e.getMessage());
    }

    private static int exchange(MajordomoClient client, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String body = "request-" + i;
            assertEquals(body, client.send("echo", body));
        }
        return from + count;
    }
}
