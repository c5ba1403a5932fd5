package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

class AsyncMajordomoClientTest {
    private static final RetryPolicy PATIENT = RetryPolicy.builder().timeoutMillis(20_000).attempts(1).build();

    private final MdpTestKit kit = new MdpTestKit();
    private final List<AsyncMajordomoClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(AsyncMajordomoClient::close);
        kit.close();
    }

    private AsyncMajordomoClient client(String endpoint, int connections, RetryPolicy policy) {
        AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(endpoint).connections(connections)
                .retryPolicy(policy).build();
        clients.add(client);
        return client;
    }

    private static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void tenThousandRequestsThroughTwoWorkersAllCompleteWithTheirOwnBodies() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        MajordomoWorker first = kit.worker(endpoint, "echo", request -> ZMsg.newStringMsg("re:" + request.popString()));
        MajordomoWorker second = kit.worker(endpoint, "echo", request -> ZMsg.newStringMsg("re:" + request.popString()));
        Await.until("both workers registered", () -> broker.stats().workers() == 2);
        // Retries as a real client would: a worker that reconnects under load loses the request it held.
        AsyncMajordomoClient client = client(endpoint, 16,
                RetryPolicy.builder().timeoutMillis(10_000).attempts(3).build());

        int count = 10_000;
        List<CompletableFuture<String>> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replies.add(client.send("echo", "body-" + i));
        }
        CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(100, TimeUnit.SECONDS);

        for (int i = 0; i < count; i++) {
            assertEquals("re:body-" + i, replies.get(i).get());
        }
        assertTrue(first.replies() + second.replies() >= count, first.replies() + " + " + second.replies());
        assertTrue(first.replies() > 0 && second.replies() > 0, first.replies() + " / " + second.replies());
        assertEquals(0, client.dropped());
        assertEquals(0, client.pending());
    }

    @Test
    void repliesOfSeveralServicesOnOneConnectionFindTheirRequestsInAnyOrder() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        CountDownLatch slowStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        kit.worker(endpoint, "slow", request -> {
            slowStarted.countDown();
            release.await();
            return ZMsg.newStringMsg("slow:" + request.popString());
        });
        kit.worker(endpoint, "fast", request -> ZMsg.newStringMsg("fast:" + request.popString()));
        Await.until("both workers registered", () -> broker.stats().workers() == 2);
        AsyncMajordomoClient client = client(endpoint, 1, PATIENT);

        CompletableFuture<String> slow = client.send("slow", "first");
        assertTrue(slowStarted.await(20, TimeUnit.SECONDS));
        CompletableFuture<String> fastOne = client.send("fast", "one");
        CompletableFuture<String> fastTwo = client.send("fast", "two");

        assertEquals("fast:one", fastOne.get(20, TimeUnit.SECONDS));
        assertEquals("fast:two", fastTwo.get(20, TimeUnit.SECONDS));
        assertFalse(slow.isDone());
        release.countDown();
        assertEquals("slow:first", slow.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aLateReplyToATimedOutRequestNeverCompletesANewerOne() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        CountDownLatch oldStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        kit.worker(endpoint, "svc", request -> {
            String body = request.popString();
            if (body.equals("old")) {
                oldStarted.countDown();
                release.await();
            }
            return ZMsg.newStringMsg("reply to " + body);
        });
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        AsyncMajordomoClient client = client(endpoint, 1, PATIENT);
        // A first exchange makes sure the one connection is up before a request with a short timeout uses it.
        assertEquals("reply to warm-up", client.send("svc", "warm-up").get(20, TimeUnit.SECONDS));

        CompletableFuture<ZMsg> old = client.send("svc", ZMsg.newStringMsg("old"),
                RetryPolicy.builder().timeoutMillis(1_000).attempts(1).build());
        assertTrue(oldStarted.await(20, TimeUnit.SECONDS));
        assertInstanceOf(RequestTimeoutException.class, failure(old));
        CompletableFuture<String> newer = client.send("svc", "new");
        release.countDown();

        assertEquals("reply to new", newer.get(20, TimeUnit.SECONDS));
        assertEquals(1, client.replacedSockets());
        assertEquals(0, client.dropped());
    }

    @Test
    void anUnansweredRequestFailsAfterEveryAttempt() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        AsyncMajordomoClient client = client(broker.endpoints().get(0), 4, PATIENT);

        CompletableFuture<ZMsg> reply = client.send("nobody", ZMsg.newStringMsg("hello"),
                RetryPolicy.builder().timeoutMillis(100).attempts(3).build());

        RequestTimeoutException e = assertInstanceOf(RequestTimeoutException.class, failure(reply));
        assertEquals(3, e.attempts());
        assertEquals(3, client.replacedSockets());
        assertEquals(0, client.pending());
    }

    @Test
    void requestsBeyondMaxPendingFailAtOnceAndCloseFailsTheRest() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(broker.endpoints().get(0))
                .retryPolicy(PATIENT).maxPending(2).build();
        clients.add(client);

        CompletableFuture<String> first = client.send("nobody", "1");
        CompletableFuture<String> second = client.send("nobody", "2");
        CompletableFuture<String> third = client.send("nobody", "3");

        assertInstanceOf(IllegalStateException.class, failure(third));
        client.close();
        assertInstanceOf(IllegalStateException.class, failure(first));
        assertInstanceOf(IllegalStateException.class, failure(second));
        assertInstanceOf(IllegalStateException.class, failure(client.send("nobody", "4")));
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AsyncMajordomoClient.builder().connect("nonsense").build());
        assertTrue(e.getMessage().contains("nonsense"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> AsyncMajordomoClient.builder().connect("tcp://127.0.0.1:5555").connections(0).build());
    }
}
