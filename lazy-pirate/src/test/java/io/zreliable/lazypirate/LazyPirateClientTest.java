package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

class LazyPirateClientTest {
    private ZContext ctx;
    private ExecutorService executor;

    @BeforeEach
    void setUp() {
        ctx = new ZContext();
        executor = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        ctx.close();
    }

    private static RetryPolicy policy(long timeoutMillis, int attempts) {
        return RetryPolicy.builder().timeoutMillis(timeoutMillis).attempts(attempts).build();
    }

    @Test
    void everyRequestGetsItsOwnReply() {
        String endpoint = Ports.endpoint(Ports.free());
        // Generous attempts: on a loaded machine an attempt may time out; the test is about matching, not speed.
        try (EchoRepServer server = EchoRepServer.start(ctx, endpoint);
             LazyPirateClient client = LazyPirateClient.builder().endpoints(endpoint)
                     .retryPolicy(policy(2500, 10)).build()) {
            for (int i = 0; i < 50; i++) {
                assertEquals("echo:req-" + i, client.request("req-" + i));
            }
            // A loaded machine may make an attempt time out and be resent; the replies must match all the same.
            assertTrue(server.received() >= 50 && server.received() <= 50 + client.timeouts(),
                    "requests seen by the server: " + server.received());
        }
    }

    @Test
    void recoversWhenTheServerIsKilledMidStreamAndRestartedOnTheSamePort() throws Exception {
        String endpoint = Ports.endpoint(Ports.free());
        int count = 30;
        try (LazyPirateClient client = LazyPirateClient.builder().endpoints(endpoint)
                .retryPolicy(policy(500, 20)).build()) {
            EchoRepServer first = EchoRepServer.crashingAt(ctx, endpoint, 10);
            Future<List<String>> replies = executor.submit(() -> {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    got.add(client.request("req-" + i));
                }
                return got;
            });
            assertTrue(first.awaitDeath(Await.DEADLINE), "server never got its 10th request");
            first.close();
            try (EchoRepServer second = EchoRepServer.start(ctx, endpoint)) {
                List<String> got = replies.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
                for (int i = 0; i < count; i++) {
                    assertEquals("echo:req-" + i, got.get(i), "reply " + i);
                }
                assertTrue(client.timeouts() >= 1, "the request lost in the crash was retried");
                assertTrue(second.received() >= count - 9, "the restarted server answered the rest");
            }
        }
    }

    @Test
    void repliesArrivingAfterTheTimeoutAreNeverTakenForANewerRequest() {
        String endpoint = Ports.endpoint(Ports.free());
        // Requests 1 and 4 (as the server counts them) are answered long after the client's 200 ms timeout.
        try (EchoRepServer server = EchoRepServer.slow(ctx, endpoint, n -> n == 1 || n == 4 ? 700 : 0);
             LazyPirateClient client = LazyPirateClient.builder().endpoints(endpoint)
                     .retryPolicy(policy(200, 30)).build()) {
            for (int i = 0; i < 6; i++) {
                assertEquals("echo:req-" + i, client.request("req-" + i));
            }
            assertTrue(client.timeouts() >= 2, "both slow replies timed out, was " + client.timeouts());
            assertTrue(server.received() > 6, "the timed-out requests were resent");
        }
    }

    @Test
    void givesUpAfterAllAttemptsWhenNoServerAnswers() {
        String endpoint = Ports.endpoint(Ports.free());
        try (LazyPirateClient client = LazyPirateClient.builder().endpoints(endpoint)
                .retryPolicy(policy(200, 3)).build()) {
            long start = System.nanoTime();
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.request("hello"));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000L;
            assertEquals(3, e.attempts());
            assertEquals(List.of(endpoint), e.endpoints());
            assertTrue(e.getMessage().contains("no reply after 3 attempt(s) of 200 ms each"), e.getMessage());
            // Each attempt waits its full timeout; the upper bound is generous for a loaded machine.
            assertTrue(elapsedMillis >= 600, "gave up too early: " + elapsedMillis + " ms");
            assertTrue(elapsedMillis < 600 + 10_000, "gave up too late: " + elapsedMillis + " ms");
            assertEquals(3, client.timeouts());
        }
    }

    @Test
    void backsOffBetweenAttemptsAndNamesEveryEndpointTried() {
        String first = Ports.endpoint(Ports.free());
        String second = Ports.endpoint(Ports.free());
        try (LazyPirateClient client = LazyPirateClient.builder().endpoints(first, second)
                .retryPolicy(policy(100, 4))
                .backoff(BackoffConfig.builder().initialMillis(50).maxMillis(200).build()).build()) {
            long start = System.nanoTime();
            RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.request("hello"));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000L;
            assertEquals(4, e.attempts());
            assertEquals(List.of(first, second), e.endpoints());
            // 4 timeouts of 100 ms plus waits of 50, 100 and 200 ms between them.
            assertTrue(elapsedMillis >= 400 + 350, "back-off skipped: " + elapsedMillis + " ms");
        }
    }

    @Test
    void failsOverToTheNextEndpointAndStaysThere() {
        String dead = Ports.endpoint(Ports.free());
        String live = Ports.endpoint(Ports.free());
        try (EchoRepServer server = EchoRepServer.start(ctx, live);
             LazyPirateClient client = LazyPirateClient.builder().endpoints(dead, live)
                     .retryPolicy(policy(3000, 4)).build()) {
            assertEquals("echo:one", client.request("one"));
            assertEquals(1, client.timeouts(), "one timeout on the dead endpoint, then the live one answered");
            assertEquals(live, client.currentEndpoint());
            assertEquals("echo:two", client.request("two"));
            assertEquals(1, client.timeouts(), "the second request went straight to the live server");
            assertEquals(2, server.received());
        }
    }

    @Test
    void refusesBadSettingsAndEmptyRequests() {
        assertThrows(IllegalArgumentException.class, () -> LazyPirateClient.builder().build());
        assertThrows(IllegalArgumentException.class,
                () -> LazyPirateClient.builder().endpoints("localhost:5555").build());
        try (LazyPirateClient client = LazyPirateClient.builder().endpoints(Ports.endpoint(Ports.free())).build()) {
            assertThrows(IllegalArgumentException.class, () -> client.request(new org.zeromq.ZMsg()));
        }
    }

    @Test
    void aClosedClientRefusesRequests() {
        LazyPirateClient client = LazyPirateClient.builder().endpoints(Ports.endpoint(Ports.free()))
                .context(ctx).build();
        client.close();
        client.close();
        assertThrows(IllegalStateException.class, () -> client.request("late"));
    }
}
