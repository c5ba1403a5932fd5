package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** Broker, worker and sync client together over real TCP sockets. */
class MajordomoRoundTripTest {
    private final MdpTestKit kit = new MdpTestKit();

    @AfterEach
    void tearDown() {
        kit.close();
    }

    /** A request that gave up leaves the client on the next endpoint, so the next request can reach a live one. */
    @Test
    void aRequestThatTimedOutMovesTheClientToTheNextEndpoint() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String live = broker.endpoints().get(0);
        kit.echoWorker(live, "echo");
        MajordomoClient client = new MajordomoClient(List.of(LoopbackPorts.freeEndpoint(), live),
                RetryPolicy.builder().timeoutMillis(1500).attempts(1).build());
        kit.track(client);
        assertThrows(RequestTimeoutException.class, () -> client.send("echo", "lost"));
        assertEquals("found", client.send("echo", "found"));
    }

    @Test
    void echoRoundTrip() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        kit.echoWorker(endpoint, "echo");
        MajordomoClient client = kit.client(endpoint, 5_000, 3);

        ZMsg reply = client.send("echo", ZMsg.newStringMsg("hello", "two frames"));

        assertEquals(2, reply.size());
        assertEquals("hello", reply.popString());
        assertEquals("two frames", reply.popString());
        assertEquals(1, broker.stats().requests());
        assertEquals(1, broker.stats().replies());
    }

    @Test
    void requestQueuedBeforeAnyWorkerIsServedOnceOneConnects() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        MajordomoClient client = kit.client(endpoint, 20_000, 1);

        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> client.send("late", "queued"));
        Await.until("the request to be queued", () -> broker.stats().queued() == 1);
        kit.worker(endpoint, "late", request -> ZMsg.newStringMsg("served " + request.popString()));

        assertEquals("served queued", reply.get(20, TimeUnit.SECONDS));
        assertEquals(0, broker.stats().queued());
    }

    @Test
    void twoWorkersShareTheLoad() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        MajordomoWorker first = kit.echoWorker(endpoint, "echo");
        MajordomoWorker second = kit.echoWorker(endpoint, "echo");
        Await.until("both workers registered", () -> broker.stats().workers() == 2);
        MajordomoClient client = kit.client(endpoint, 5_000, 3);

        for (int i = 0; i < 20; i++) {
            assertEquals("req-" + i, client.send("echo", "req-" + i));
        }

        // LRU dispatch alternates between the two idle workers.
        assertTrue(first.replies() >= 5, "first worker replied " + first.replies());
        assertTrue(second.replies() >= 5, "second worker replied " + second.replies());
        assertEquals(20, first.replies() + second.replies());
    }

    @Test
    void requestOfAWorkerKilledMidRequestIsRetriedAndAnsweredByAnother() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        MajordomoWorker doomed = kit.worker(endpoint, "work", request -> {
            received.countDown();
            never.await();
            return request;
        });
        Await.until("the doomed worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 500, 20);

        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> client.send("work", "job"));
        assertTrue(received.await(15, TimeUnit.SECONDS), "the first worker got the request");
        doomed.close();
        kit.worker(endpoint, "work", request -> ZMsg.newStringMsg("done " + request.popString()));

        assertEquals("done job", reply.get(20, TimeUnit.SECONDS));
        assertEquals(1, doomed.requests());
        assertEquals(0, doomed.replies());
    }

    @Test
    void workerAndClientSurviveABrokerRestartOnTheSamePort() throws Exception {
        String endpoint = "tcp://127.0.0.1:" + MdpTestKit.freePort();
        MajordomoBroker first = kit.broker(endpoint);
        MajordomoWorker worker = kit.echoWorker(endpoint, "echo");
        MajordomoClient client = kit.client(endpoint, 300, 100);
        assertEquals("before", client.send("echo", "before"));
        long connectsBefore = worker.connects();

        first.close();
        CompletableFuture<String> during = CompletableFuture.supplyAsync(() -> client.send("echo", "during"));
        Await.until("the worker to notice the broker went away", () -> worker.connects() > connectsBefore);
        MajordomoBroker second = kit.broker(endpoint);

        assertEquals("during", during.get(30, TimeUnit.SECONDS));
        assertEquals("after", client.send("echo", "after"));
        assertEquals(1, second.stats().workers());
    }

    @Test
    void aRequestNobodyServesFailsWithATypedTimeout() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        MajordomoClient client = kit.client(broker.endpoints().get(0), 100, 2);

        RequestTimeoutException e = assertThrows(RequestTimeoutException.class, () -> client.send("nobody", "hi"));

        assertEquals(2, e.attempts());
        assertEquals(broker.endpoints(), e.endpoints());
    }

    @Test
    void anInlineHandlerRunsOnTheWorkersSocketThreadAndAFailureMakesItRegisterAgain() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        List<String> handlerThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        MajordomoWorker worker = kit.worker(WorkerConfig.builder("inline").connect(endpoint)
                .heartbeat(MdpTestKit.HEARTBEAT).backoff(MdpTestKit.BACKOFF).inlineHandler(true), request -> {
                    handlerThreads.add(Thread.currentThread().getName());
                    String body = request.popString();
                    if (body.equals("boom")) {
                        throw new IllegalStateException("inline handler failure on purpose");
                    }
                    return ZMsg.newStringMsg("inline " + body);
                });
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 2_000, 5);

        for (int i = 0; i < 50; i++) {
            assertEquals("inline " + i, client.send("inline", String.valueOf(i)));
        }
        assertThrows(RequestTimeoutException.class, () -> kit.client(endpoint, 3_000, 1).send("inline", "boom"));
        Await.until("the handler failure counted", () -> worker.handlerFailures() == 1);
        Await.until("the worker registered again", () -> worker.connects() == 2 && broker.stats().workers() == 1);

        assertEquals("inline after", client.send("inline", "after"));
        assertEquals(52, worker.requests());
        assertEquals(51, worker.replies());
        // The socket's own thread ran every request: there is no handler thread to hand off to.
        assertEquals(List.of("mdp-worker-inline"), handlerThreads.stream().distinct().toList());
    }

    @Test
    void anAsyncHandlersReplyIsSentWhenItCompletesAndTheWorkerHeartbeatsMeanwhile() {
        // 1 s of silence expires a worker; the reply comes 2.5 s after the request. (A narrower window, 200 ms,
        // was missed on a loaded 2-core machine: the worker's heartbeat thread did not run in time.)
        HeartbeatConfig quick = HeartbeatConfig.builder().intervalMillis(250).liveness(4).build();
        MajordomoBroker broker = kit.broker(BrokerConfig.builder().bind("tcp://127.0.0.1:*").heartbeat(quick));
        String endpoint = broker.endpoints().get(0);
        List<String> startedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.Executor later =
                CompletableFuture.delayedExecutor(2500, TimeUnit.MILLISECONDS);
        MajordomoWorker worker = MajordomoWorker.async(
                WorkerConfig.builder("later").connect(endpoint).heartbeat(quick).backoff(MdpTestKit.BACKOFF).build(),
                request -> {
                    startedOn.add(Thread.currentThread().getName());
                    String body = request.popString();
                    if (body.equals("boom")) {
                        return CompletableFuture.failedFuture(new IllegalStateException("async failure on purpose"));
                    }
                    return CompletableFuture.supplyAsync(() -> ZMsg.newStringMsg("later " + body), later);
                });
        kit.track(worker);
        worker.start();
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 10_000, 3);

        assertEquals("later one", client.send("later", "one"));
        assertEquals("later two", client.send("later", "two"));
        // The broker never missed the worker while its handler's stages were open.
        assertEquals(0, broker.stats().workersExpired());
        assertEquals(1, worker.connects());

        assertThrows(RequestTimeoutException.class, () -> kit.client(endpoint, 3_000, 1).send("later", "boom"));
        Await.until("the worker registered again after the failed stage",
                () -> worker.handlerFailures() == 1 && worker.connects() == 2 && broker.stats().workers() == 1);
        assertEquals("later three", client.send("later", "three"));
        assertEquals(List.of("mdp-worker-later"), startedOn.stream().distinct().toList());
    }

    @Test
    void aFailingHandlerDoesNotKillTheWorker() {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        MajordomoWorker worker = kit.worker(endpoint, "flaky", request -> {
            String body = request.popString();
            if (body.equals("boom")) {
                throw new IllegalStateException("handler failure on purpose");
            }
            return ZMsg.newStringMsg("ok " + body);
        });
        Await.until("the worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 500, 3);

        assertThrows(RequestTimeoutException.class, () -> client.send("flaky", "boom"));
        Await.until("the handler failure counted", () -> worker.handlerFailures() >= 1);
        MajordomoClient retrying = kit.client(endpoint, 2_000, 5);

        assertEquals("ok fine", retrying.send("flaky", "fine"));
    }

    @Test
    void aWorkerThatDiesSilentlyMidRequestExpiresAndTheRetryIsServedByAnother() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String endpoint = broker.endpoints().get(0);
        // A worker that registers, takes the request, and then never says anything again (a crash).
        ZMQ.Socket crashing = kit.dealer(endpoint);
        MdpTestKit.workerCommand(MdpProtocol.READY, "work").send(crashing);
        Await.until("the crashing worker registered", () -> broker.stats().workers() == 1);
        MajordomoClient client = kit.client(endpoint, 500, 40);

        CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> client.send("work", "job"));
        ZMsg taken = MdpTestKit.receive(crashing);
        while (taken.size() == 3) {
            // A heartbeat: stay alive until the request comes.
            MdpTestKit.workerCommand(MdpProtocol.HEARTBEAT).send(crashing);
            taken = MdpTestKit.receive(crashing);
        }
        assertEquals(6, taken.size());
        Await.until("the silent worker expired", () -> broker.stats().workersExpired() == 1);
        kit.worker(endpoint, "work", request -> ZMsg.newStringMsg("done " + request.popString()));

        assertEquals("done job", reply.get(20, TimeUnit.SECONDS));
    }

    @Test
    void workerAndClientsMoveToTheNextEndpointWhenTheFirstIsDead() throws Exception {
        MajordomoBroker broker = kit.broker("tcp://127.0.0.1:*");
        String live = broker.endpoints().get(0);
        String dead = "tcp://127.0.0.1:" + MdpTestKit.freePort();
        MajordomoWorker worker = new MajordomoWorker(WorkerConfig.builder("echo").connect(dead).connect(live)
                .heartbeat(HeartbeatConfig.builder().intervalMillis(250).liveness(8).build())
                .backoff(MdpTestKit.BACKOFF).build(), request -> request);
        try (worker) {
            worker.start();
            // Only the second endpoint has a broker: registering there proves the worker moved on.
            Await.until("the worker failed over to the live broker", () -> broker.stats().workers() == 1);

            MajordomoClient client = new MajordomoClient(List.of(dead, live),
                    RetryPolicy.builder().timeoutMillis(1500).attempts(5).build());
            try (client) {
                assertEquals("sync", client.send("echo", "sync"));
            }
            try (AsyncMajordomoClient async = AsyncMajordomoClient.builder().connect(dead).connect(live)
                    .connections(1).retryPolicy(RetryPolicy.builder().timeoutMillis(1500)
                            .attempts(5).build()).build()) {
                assertEquals("async", async.send("echo", "async").get(20, TimeUnit.SECONDS));
            }
        }
    }
}
