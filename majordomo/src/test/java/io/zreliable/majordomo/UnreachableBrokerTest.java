package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.EndpointException;
import io.zreliable.common.Eventually;
import io.zreliable.common.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

/**
 * A broker endpoint whose host does not resolve: the clients fail with one {@link EndpointException} (the async one
 * through its futures, never leaving one open), skip it when another endpoint works, and the worker keeps retrying.
 */
class UnreachableBrokerTest {
    private static final String NOWHERE = "tcp://nope.invalid:5555";
    private static final RetryPolicy QUICK = RetryPolicy.builder().timeoutMillis(300).attempts(1).build();

    @Test
    void theSyncClientSaysWhichHostDoesNotResolve() {
        EndpointException e = assertThrows(EndpointException.class,
                () -> new MajordomoClient(List.of(NOWHERE), QUICK));
        assertEquals("cannot connect to " + NOWHERE + ": host 'nope.invalid' does not resolve", e.getMessage());
        assertEquals(EndpointException.Reason.UNRESOLVED_HOST, e.reason());
    }

    @Test
    void everyAsyncRequestCompletesExceptionally() throws Exception {
        try (AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(NOWHERE).retryPolicy(QUICK)
                .connections(4).build()) {
            List<CompletableFuture<ZMsg>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(client.send("echo", ZMsg.newStringMsg("hi " + i)));
            }
            for (CompletableFuture<ZMsg> reply : replies) {
                // A hang guard only: each fails as soon as its attempt cannot connect.
                ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS));
                assertInstanceOf(EndpointException.class, e.getCause());
            }
            assertEquals(0, client.pending(), "nothing left open");
        }
    }

    @Test
    void clientsSkipAnUnresolvableEndpointWhenAnotherWorks() throws Exception {
        try (MdpTestKit kit = new MdpTestKit()) {
            String endpoint = kit.broker("tcp://127.0.0.1:*").endpoints().get(0);
            kit.echoWorker(endpoint, "echo");
            RetryPolicy patient = RetryPolicy.builder().timeoutMillis(5_000).attempts(3).build();
            try (MajordomoClient client = new MajordomoClient(List.of(NOWHERE, endpoint), patient)) {
                assertEquals("hello", client.send("echo", "hello"));
            }
            try (AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(NOWHERE).connect(endpoint)
                    .retryPolicy(patient).build()) {
                assertEquals("hello", client.send("echo", "hello").get(30, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void theWorkerRetriesWithBackOffAndServesOnceABrokerIsReachable() throws Exception {
        try (MdpTestKit kit = new MdpTestKit()) {
            String endpoint = kit.broker("tcp://127.0.0.1:*").endpoints().get(0);
            MajordomoWorker lost = kit.worker(WorkerConfig.builder("echo").connect(NOWHERE)
                    .heartbeat(MdpTestKit.HEARTBEAT).backoff(MdpTestKit.BACKOFF), request -> request);
            Eventually.until("the worker retried", Duration.ofSeconds(20), () -> lost.connectFailures() >= 3,
                    lost::connectFailures);
            assertEquals(0, lost.connects(), "no connection was ever made");

            MajordomoWorker failingOver = kit.worker(WorkerConfig.builder("echo").connect(NOWHERE).connect(endpoint)
                    .heartbeat(MdpTestKit.HEARTBEAT).backoff(MdpTestKit.BACKOFF), request -> request);
            MajordomoClient client = kit.client(endpoint, 5_000, 3);
            assertEquals("served", client.send("echo", "served"));
            assertTrue(failingOver.connectFailures() >= 1, "it tried the unresolvable endpoint first");
        }
    }
}
