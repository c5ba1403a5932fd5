package io.zreliable.it;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.AsyncMajordomoClient;
import io.zreliable.majordomo.MajordomoClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Steady client load of a drill, from the test JVM, through the project's client APIs: synchronous clients (one
 * {@link Caller} per thread, e.g. a {@link MajordomoClient}) and/or {@link AsyncMajordomoClient}s with a window of
 * requests in flight. Each request's outcome as the application sees it (a reply, or a
 * {@link RequestTimeoutException} after all retries) is recorded in a {@link DrillLoad}. {@link #stop()} stops
 * sending and waits until every request already sent has its reply or its failure, so a drill's summary has nothing
 * pending.
 */
final class ClientLoad implements AutoCloseable {
    /** One synchronous application client, created, used and closed by one load thread. */
    interface Caller extends AutoCloseable {
        /**
         * Sends {@code body} and returns the reply body.
         *
         * @throws RequestTimeoutException when the client gave up (its retry policy is spent)
         */
        String call(String body);

        @Override
        void close();
    }

    private final DrillLoad load;
    private final RetryPolicy policy;
    private final long paceNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    private final List<AsyncMajordomoClient> asyncClients = new ArrayList<>();
    private final List<Semaphore> windows = new ArrayList<>();
    private final List<Integer> windowSizes = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param policy the clients' retry policy: {@link #stop()} waits up to its worst case for the last requests
     * @param pace the gap between two requests of one sender: a steady rate rather than a flood that would starve
     *             the containers' JVMs on a two-core machine (it paces the load; it is not a wait for a condition)
     */
    ClientLoad(DrillLoad load, RetryPolicy policy, Duration pace) {
        this.load = load;
        this.policy = policy;
        this.paceNanos = pace.toNanos();
    }

    /** Callers of a Majordomo service: one {@link MajordomoClient} each. */
    static Supplier<Caller> majordomo(List<String> endpoints, String service, RetryPolicy policy) {
        return () -> {
            MajordomoClient client = new MajordomoClient(endpoints, policy);
            return new Caller() {
                @Override
                public String call(String body) {
                    return client.send(service, body);
                }

                @Override
                public void close() {
                    client.close();
                }
            };
        };
    }

    /** Adds {@code clients} threads, each sending one request after another through its own caller. */
    ClientLoad syncClients(int clients, Supplier<Caller> callers) {
        for (int i = 0; i < clients; i++) {
            addSender("drill-sync-client-" + threads.size(), () -> runSync(callers));
        }
        return this;
    }

    /** Adds an AsyncMajordomoClient (with the load's retry policy) that keeps up to {@code inFlight} requests open. */
    ClientLoad asyncClient(List<String> endpoints, String service, int inFlight) {
        AsyncMajordomoClient client = AsyncMajordomoClient.builder().connect(endpoints).retryPolicy(policy)
                .connections(inFlight).build();
        Semaphore window = new Semaphore(inFlight);
        asyncClients.add(client);
        windows.add(window);
        windowSizes.add(inFlight);
        addSender("drill-async-client-" + asyncClients.size(), () -> runAsync(client, service, window));
        return this;
    }

    ClientLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Waits until {@code count} requests sent after {@code sinceNanos} were answered correctly. */
    void awaitAnsweredSince(long sinceNanos, long count, Duration timeout) {
        Drills.await(timeout, () -> count + " answers to requests sent since the mark; " + load.summary()
                + (unexpected.isEmpty() ? "" : "; client errors: " + unexpected), () -> {
                    failOnUnexpected();
                    return load.answeredSentAfter(sinceNanos) >= count;
                });
    }

    /** Stops sending and waits until every request sent has ended (reply or failure). */
    void stop() {
        running = false;
        Duration patience = policy.worstCase().plusSeconds(15);
        long deadline = System.nanoTime() + patience.toNanos();
        for (Thread thread : threads) {
            join(thread, deadline);
        }
        for (int i = 0; i < windows.size(); i++) {
            Semaphore window = windows.get(i);
            int size = windowSizes.get(i);
            Drills.await(patience, () -> "async requests still open: " + (size - window.availablePermits()),
                    () -> window.availablePermits() == size);
        }
        failOnUnexpected();
    }

    @Override
    public void close() {
        running = false;
        asyncClients.forEach(AsyncMajordomoClient::close);
    }

    private void addSender(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                unexpected.add(e);
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
    }

    private void runSync(Supplier<Caller> callers) {
        try (Caller client = callers.get()) {
            long next = System.nanoTime();
            while (running) {
                DrillLoad.Request request = load.send();
                try {
                    String reply = client.call(request.text());
                    load.replied(request, reply.getBytes(StandardCharsets.UTF_8));
                } catch (RequestTimeoutException e) {
                    load.failed(request);
                }
                next = pace(next);
            }
        }
    }

    private void runAsync(AsyncMajordomoClient client, String service, Semaphore window) {
        long next = System.nanoTime();
        while (running) {
            if (!acquire(window)) {
                continue; // window full: check `running` again, then keep waiting for a completion
            }
            DrillLoad.Request request = load.send();
            client.send(service, request.text()).whenComplete((reply, error) -> {
                try {
                    if (error == null) {
                        load.replied(request, reply.getBytes(StandardCharsets.UTF_8));
                    } else if (unwrap(error) instanceof RequestTimeoutException) {
                        load.failed(request);
                    } else {
                        load.failed(request);
                        unexpected.add(error);
                    }
                } finally {
                    window.release();
                }
            });
            next = pace(next);
        }
    }

    /** Parks until the next send is due; after an outage it does not burst to catch up. */
    private long pace(long next) {
        long due = next + paceNanos;
        long gap = due - System.nanoTime();
        if (gap > 0) {
            LockSupport.parkNanos(gap);
            return due;
        }
        return System.nanoTime();
    }

    private static boolean acquire(Semaphore window) {
        try {
            return window.tryAcquire(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static void join(Thread thread, long deadlineNanos) {
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the load", e);
        }
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " did not finish its last request in time");
        }
    }

    private void failOnUnexpected() {
        Throwable e = unexpected.peek();
        if (e != null) {
            throw new AssertionError("a drill client failed unexpectedly", e);
        }
    }
}
