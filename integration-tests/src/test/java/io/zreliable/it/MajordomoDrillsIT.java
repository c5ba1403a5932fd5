package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.AsyncMajordomoClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover drills of Majordomo (7/MDP) with real processes: broker and echo workers run as {@code zreliable}
 * containers; the clients are the project's MajordomoClient / AsyncMajordomoClient in the test JVM. Each drill prints
 * its report line and adds a row to target/drill-report.md.
 */
@ExtendWith(DockerGate.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // report rows in drill order
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MajordomoDrillsIT {
    /** Heartbeat 300 ms x 4: a dead peer is noticed in ~1.2 s, a few slow beats on a loaded box are tolerated. */
    private static final long HEARTBEAT_MS = 300;
    private static final int LIVENESS = 4;
    /** Clients wait 1 s per attempt and try for 30 s: long enough to ride out a broker restart. */
    private static final RetryPolicy PATIENT = RetryPolicy.builder().timeoutMillis(1000).attempts(30).build();
    private static final Duration PACE = Duration.ofMillis(10);
    private static final int WARM_UP = 100;

    @Test
    void drill1BrokerKill9UnderLoadWithTwoWorkers() {
        try (MajordomoCluster cluster = new MajordomoCluster(HEARTBEAT_MS, LIVENESS)) {
            ZReliableContainer broker = cluster.startBroker();
            cluster.startWorker("worker-1");
            cluster.startWorker("worker-2");
            cluster.awaitWorkers(2, Drills.PATIENCE);

            DrillLoad load = DrillLoad.echo("broker-kill");
            long fault;
            try (ClientLoad clients = clients(cluster, load)) {
                clients.awaitAnsweredSince(0, WARM_UP, Drills.PATIENCE);

                fault = System.nanoTime();
                assertEquals(137, broker.kill(), "kill -9 exit code");
                broker.restart(); // same container: same command, same port

                long restarted = System.nanoTime();
                cluster.awaitWorkers(2, Drills.PATIENCE); // both workers registered again with the new broker
                clients.awaitAnsweredSince(restarted, WARM_UP, Drills.PATIENCE);
                clients.stop();
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.outageMillis(fault);
            DrillReport.shared().add(DrillReport.Row.of("1 broker kill -9 (2 workers)", s, outage,
                    "2 sync + 1 async clients; broker restarted on the same port, 2 workers re-registered"));

            DrillAssertions.assertAllAnswered(s);
            assertTrue(outage >= 0, "no answer after the fault: " + s);
        }
    }

    @Test
    void drill2WorkerKill9MidRequestIsRetriedToTheOtherWorker() throws Exception {
        // Liveness 20 (10 s): the broker still counts the frozen worker as registered when it is killed.
        try (MajordomoCluster cluster = new MajordomoCluster(500, 20)) {
            cluster.startBroker();
            ZReliableContainer first = cluster.startWorker("worker-a");
            cluster.awaitWorkers(1, Drills.PATIENCE);
            first.pause();

            DrillLoad load = DrillLoad.echo("worker-kill");
            // Each attempt waits 3 s: usually longer than worker-b takes to start, so the held request is retried
            // after the kill. Either way only worker-b can answer it: worker-a is frozen until it is killed.
            RetryPolicy policy = RetryPolicy.builder().timeoutMillis(3000).attempts(10).build();
            try (AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(cluster.endpoint())
                    .retryPolicy(policy).connections(2).build()) {
                // Two requests: the broker hands one to worker-a (frozen, so it holds it mid-request) and queues
                // the other; mmi.queue = 1 proves that worker-a has one.
                List<CompletableFuture<Void>> replies = List.of(send(client, load), send(client, load));
                cluster.awaitQueued(1, Drills.PATIENCE);

                cluster.startWorker("worker-b");     // takes the queued request at once
                Drills.await(Drills.PATIENCE, () -> "the queued request answered by worker-b; " + load.summary(),
                        () -> load.answeredCount() >= 1);

                assertEquals(137, first.kill(), "kill -9 exit code");
                // The held request's attempt times out; the client's retry goes to worker-b, the only idle one.
                CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
                        .get(policy.worstCase().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);

                // And the service goes on with worker-b alone.
                for (int i = 0; i < 20; i++) {
                    send(client, load).get(policy.worstCase().plusSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.longestWaitMillis();
            DrillReport.shared().add(DrillReport.Row.of("2 worker kill -9 mid-request", s, outage,
                    "async client; the request held by the killed worker answered by the other one after a retry; "
                            + "outage = that request's wait"));

            DrillAssertions.assertAllAnswered(s);
            assertEquals(22, s.answered());
            assertTrue(outage >= 0);
        }
    }

    @Test
    void drill6BrokerSigtermShutsDownGracefully() {
        try (MajordomoCluster cluster = new MajordomoCluster(HEARTBEAT_MS, LIVENESS)) {
            ZReliableContainer broker = cluster.startBroker();
            ZReliableContainer worker1 = cluster.startWorker("worker-1");
            ZReliableContainer worker2 = cluster.startWorker("worker-2");
            cluster.awaitWorkers(2, Drills.PATIENCE);

            DrillLoad load = DrillLoad.echo("broker-sigterm");
            long fault;
            try (ClientLoad clients = clients(cluster, load)) {
                clients.awaitAnsweredSince(0, WARM_UP, Drills.PATIENCE);

                fault = System.nanoTime();
                assertEquals(0, broker.stop(), "a clean SIGTERM shutdown exits 0; log:\n" + broker.logs());
                broker.awaitLog("majordomo broker on .* closed", 1, Drills.PATIENCE);
                // The broker told both workers: each logs the DISCONNECT and goes back to connecting.
                worker1.awaitLog("sent DISCONNECT", 1, Drills.PATIENCE);
                worker2.awaitLog("sent DISCONNECT", 1, Drills.PATIENCE);

                broker.restart();
                long restarted = System.nanoTime();
                cluster.awaitWorkers(2, Drills.PATIENCE);
                clients.awaitAnsweredSince(restarted, WARM_UP, Drills.PATIENCE);
                clients.stop();
            }
            DrillLoad.Summary s = load.summary();
            long outage = load.outageMillis(fault);
            DrillReport.shared().add(DrillReport.Row.of("6 broker SIGTERM", s, outage,
                    "exit 0, both workers got DISCONNECT; requests in flight retried after the restart"));

            DrillAssertions.assertAllAnswered(s);
        }
    }

    private static ClientLoad clients(MajordomoCluster cluster, DrillLoad load) {
        return clients(cluster.endpoints(), load, PATIENT);
    }

    /** Two synchronous MajordomoClients and one AsyncMajordomoClient (8 in flight), paced, sharing one policy. */
    static ClientLoad clients(List<String> endpoints, DrillLoad load, RetryPolicy policy) {
        return new ClientLoad(load, policy, PACE)
                .syncClients(2, ClientLoad.majordomo(endpoints, MajordomoCluster.SERVICE, policy))
                .asyncClient(endpoints, MajordomoCluster.SERVICE, 8)
                .start();
    }

    private static CompletableFuture<Void> send(AsyncMajordomoClient client, DrillLoad load) {
        DrillLoad.Request request = load.send();
        return client.send(MajordomoCluster.SERVICE, request.text()).handle((reply, error) -> {
            if (error == null) {
                load.replied(request, reply.getBytes(StandardCharsets.UTF_8));
            } else {
                load.failed(request);
            }
            return null;
        });
    }
}
