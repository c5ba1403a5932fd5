package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.await;
import static io.zreliable.binarystar.TestSupport.endpoint;
import static io.zreliable.binarystar.TestSupport.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;

/** A {@link BinaryStarClient} against a pair of echo servers, through the death of each server in turn. */
class BinaryStarFailoverTest extends SocketTest {
    /** The heartbeat the issue asks failover to be measured at. */
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    /** A sanity bound only; the figure itself is logged (timing is for the benchmark harness). */
    private static final Duration SANE = Duration.ofSeconds(5);

    private BinaryStar echoServer(Role role, int local, int peer, int voter) {
        BinaryStar star = new BinaryStar(ctx, BinaryStarConfig.builder()
                .role(role).local(endpoint(local)).peer(endpoint(peer)).heartbeat(HEARTBEAT).build());
        track(star);
        star.voter(endpoint(voter), SocketType.ROUTER, TestSupport::echo);
        star.start();
        return star;
    }

    @Test
    void clientFailsOverToTheBackupAndBackWithEveryRequestAnsweredOnce() {
        int p = freePort();
        int b = freePort();
        int pv = freePort();
        int bv = freePort();
        BinaryStar primary = echoServer(Role.PRIMARY, p, b, pv);
        BinaryStar backup = echoServer(Role.BACKUP, b, p, bv);
        await("primary active, backup passive",
                () -> primary.state() == BstarState.ACTIVE && backup.state() == BstarState.PASSIVE);

        BinaryStarClient client = BinaryStarClient.builder()
                .primary(endpoint(pv)).backup(endpoint(bv))
                .retryPolicy(BinaryStarClient.policyFor(HEARTBEAT))
                .context(ctx)
                .build();
        track(client);

        int sent = exchange(client, 0, 20);
        assertEquals(endpoint(pv), client.currentEndpoint());
        assertEquals(0, client.failovers());

        primary.close(); // the primary dies between two requests of a busy client
        sent = exchange(client, sent, 20);
        assertEquals(endpoint(bv), client.currentEndpoint());
        assertEquals(BstarState.ACTIVE, backup.state());
        assertEquals(1, client.failovers());
        Duration toBackup = client.lastFailover().orElseThrow();
        System.out.println("MEASURED binary star failover primary -> backup at heartbeat " + HEARTBEAT.toMillis()
                + " ms: " + toBackup.toMillis() + " ms");
        assertTrue(toBackup.compareTo(SANE) < 0, "failover took " + toBackup);

        // The old primary comes back passive; the client stays where it is.
        BinaryStar restarted = echoServer(Role.PRIMARY, p, b, pv);
        await("the restarted primary to come back passive", () -> restarted.state() == BstarState.PASSIVE);
        sent = exchange(client, sent, 10);
        assertEquals(1, client.failovers());

        backup.close(); // now the backup dies: the passive primary takes over on the client's vote
        exchange(client, sent, 20);
        assertEquals(endpoint(pv), client.currentEndpoint());
        assertEquals(BstarState.ACTIVE, restarted.state());
        assertEquals(2, client.failovers());
        Duration toPrimary = client.lastFailover().orElseThrow();
        System.out.println("MEASURED binary star failover backup -> primary at heartbeat " + HEARTBEAT.toMillis()
                + " ms: " + toPrimary.toMillis() + " ms");
        assertTrue(toPrimary.compareTo(SANE) < 0, "failover took " + toPrimary);
    }

    @Test
    void withBothServersGoneTheClientGivesUpNamingBoth() {
        String a = endpoint(freePort());
        String b = endpoint(freePort());
        try (BinaryStarClient client = BinaryStarClient.builder().primary(a).backup(b)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(100).attempts(3).build()).context(ctx).build()) {
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.request("anyone?"));
            assertEquals(3, e.attempts());
            assertEquals(List.of(a, b), e.endpoints());
        }
    }

    @Test
    void builderValidates() {
        assertThrows(IllegalArgumentException.class, () -> BinaryStarClient.builder().primary("tcp://127.0.0.1:1")
                .build());
        assertThrows(IllegalArgumentException.class, () -> BinaryStarClient.builder().primary("tcp://127.0.0.1:1")
                .backup("tcp://127.0.0.1:1").build());
        assertThrows(IllegalArgumentException.class, () -> BinaryStarClient.policyFor(Duration.ZERO));
        RetryPolicy policy = BinaryStarClient.policyFor(HEARTBEAT);
        assertEquals(Duration.ofMillis(300), policy.timeout());
        assertEquals(6, policy.attempts());
    }

    /** Sends {@code count} requests with unique bodies; each reply must be its own request's echo. */
    private static int exchange(BinaryStarClient client, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String body = "request-" + i;
            assertEquals(body, client.request(body), "each request gets its own reply, once");
        }
        return from + count;
    }
}
