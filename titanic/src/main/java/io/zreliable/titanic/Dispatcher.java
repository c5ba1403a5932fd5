package io.zreliable.titanic;

import io.zreliable.common.Backoff;
import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Clock;
import io.zreliable.common.EndpointException;
import io.zreliable.common.FailureLog;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers pending requests to their services and stores the replies.
 *
 * <p>A coordinator thread keeps an in-memory index of the pending requests (uuid and service only; bodies stay on
 * disk), one queue per service in arrival order, seeded from the store on start and fed as requests are stored.
 * It hands ready requests to a fixed set of delivery threads, each with its own {@link ServiceCaller}. A delivery
 * checks the service with {@code mmi.service}: a missing service leaves the request pending and is asked again
 * every {@link #RECHECK_MILLIS} ms, so a request goes out within about a second of its service's first worker;
 * otherwise it sends the request, and on a reply stores it and marks the request done in one commit.
 * A request that times out is retried after its own back-off (initial, doubling to the maximum), so one bad
 * request does not hold up its service.
 *
 * <p><b>At-least-once.</b> A request is delivered again if Titanic stops between the service's reply and the
 * commit of that reply, or if an attempt times out while the service still works on it. Services behind Titanic
 * must therefore be idempotent (or detect repeats, e.g. by a request id in the body).
 *
 * <p><b>Full disk.</b> While the store refuses new requests for lack of space ({@link TitanicStore#hasSpace()}), no
 * delivery starts (each is put off by {@link #RECHECK_MILLIS} ms and counted as paused), so no service executes a
 * request whose reply could not be stored. A reply that the store fails to take is held by its delivery thread and
 * stored again every {@link #RECHECK_MILLIS} ms until it is (or the request is closed), never by calling the
 * service again; delivery resumes by itself once the store has space.
 *
 * <p><b>Held.</b> A dispatcher started held keeps its index (and takes new requests into it) but delivers nothing
 * until {@link #resume()}: the passive server of an HA pair must not send requests to its own broker endpoint,
 * where each one would count as a client's vote for this server to take over.
 *
 * <p>Thread contract: the index belongs to the coordinator thread; other threads only post events to it.
 *
 * <p>Bounds: the index holds one entry per pending request, so the store's {@code maxEntries} bounds it; at most
 * {@code parallelism} requests are handed to delivery threads at a time; the event queue receives one event per
 * stored or closed request and per finished delivery, and the coordinator drains it without blocking on anything
 * else.
 */
final class Dispatcher implements TspServices.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int SEED_PAGE = 512;
    /** How soon a service without workers, or a store without space, is looked at again. */
    static final long RECHECK_MILLIS = 500;
    /** Longest a just-stored request waits before the coordinator takes it in. */
    static final long STORED_POLL_MILLIS = 50;

    private final TitanicStore store;
    private final Supplier<ServiceCaller> callers;
    private final BackoffConfig backoff;
    private final int parallelism;
    private final long storeTimeoutMillis;
    private final Clock clock;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /**
     * Requests just stored, taken in by the coordinator at least every {@link #STORED_POLL_MILLIS} ms: queued
     * without waking it, so that acknowledging a request wakes no extra thread.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Event> storedEvents =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final BlockingQueue<Ticket> work;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong deferrals = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private final AtomicLong heldReplies = new AtomicLong();
    private volatile boolean running = true;
    /** Delivery threads that found no reachable broker (shared by them: one line per distinct failure). */
    private final FailureLog unreachable = new FailureLog(LOG);
    /** Released by {@link #close()}: ends a delivery thread's back-off wait. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean held;

    // Coordinator thread only:
    private final Map<String, Ticket> tickets = new HashMap<>();
    private final LinkedHashMap<String, ServiceQueue> services = new LinkedHashMap<>();
    private int inFlight;

    Dispatcher(TitanicStore store, Supplier<ServiceCaller> callers, BackoffConfig backoff, int parallelism,
            Duration storeTimeout, Clock clock, boolean held) {
        this.held = held;
        this.store = store;
        this.callers = callers;
        this.backoff = backoff;
        this.parallelism = parallelism;
        this.storeTimeoutMillis = storeTimeout.toMillis();
        this.clock = clock;
        this.work = new LinkedBlockingQueue<>();
    }

    /** Loads the pending queue from the store and starts the threads. */
    Dispatcher start() {
        long from = 0;
        int seeded = 0;
        while (true) {
            List<StoredRequest> page = await(store.pending(from, SEED_PAGE));
            for (StoredRequest request : page) {
                add(request.uuid(), request.service());
                from = request.seq() + 1;
                seeded++;
            }
            if (page.size() < SEED_PAGE) {
                break;
            }
        }
        if (seeded > 0) {
            LOG.info("Titanic resumes dispatch of {} pending requests", seeded);
        }
        Thread coordinator = new Thread(this::coordinate, "titanic-dispatch");
        threads.add(coordinator);
        for (int i = 0; i < parallelism; i++) {
            threads.add(new Thread(this::deliverLoop, "titanic-deliver-" + i));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        return this;
    }

    /** A request was stored: queue it for delivery. Thread-safe. */
    @Override
    public void stored(String uuid, String service) {
        storedEvents.add(new Event(EventType.STORED, uuid, service, null));
    }

    /** A request was closed by its client: stop trying to deliver it. Thread-safe. */
    @Override
    public void closed(String uuid) {
        events.add(new Event(EventType.CLOSED, uuid, null, null));
    }

    /** Starts delivering, if started held. Thread-safe; idempotent. */
    void resume() {
        if (held) {
            held = false;
            events.add(new Event(EventType.RESUME, null, null, null));
        }
    }

    /** True while started held and not yet resumed. */
    boolean isHeld() {
        return held;
    }

    /** Replies stored so far. */
    long delivered() {
        return delivered.get();
    }

    /** Requests sent to services so far (including retries). */
    long attempts() {
        return attempts.get();
    }

    /** Deliveries put off because {@code mmi.service} said the service had no worker. */
    long deferrals() {
        return deferrals.get();
    }

    /** Deliveries put off because the store had no space for their replies. */
    long paused() {
        return paused.get();
    }

    /** Times a reply could not be stored and was held to be stored again (the service was not called again). */
    long heldReplies() {
        return heldReplies.get();
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        events.add(new Event(EventType.STOP, null, null, null));
        for (int i = 0; i < parallelism; i++) {
            work.add(Ticket.STOP);
        }
        for (Thread thread : threads) {
            try {
                // A delivery may wait for its reply up to the caller's timeout.
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- coordinator thread ----

    private void coordinate() {
        while (running) {
            dispatchReady();
            Event event;
            try {
                event = events.poll(Math.min(waitMillis(), STORED_POLL_MILLIS), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            // Stored before anything that follows (a close of the same request, say).
            for (Event stored = storedEvents.poll(); stored != null; stored = storedEvents.poll()) {
                handle(stored);
            }
            while (event != null) {
                handle(event);
                event = events.poll();
            }
        }
    }

    private void handle(Event event) {
        switch (event.type()) {
            case STORED -> add(event.uuid(), event.service());
            case CLOSED -> {
                Ticket ticket = tickets.remove(event.uuid());
                if (ticket != null && !ticket.inFlight) {
                    ServiceQueue queue = services.get(ticket.service);
                    queue.waiting.remove(ticket);
                    dropIfIdle(queue);
                }
            }
            case DONE -> {
                Ticket ticket = event.ticket();
                inFlight--;
                ticket.inFlight = false;
                tickets.remove(ticket.uuid);
                ServiceQueue queue = services.get(ticket.service);
                queue.inFlight--;
                dropIfIdle(queue);
            }
            case SERVICE_MISSING, FAILED -> {
                Ticket ticket = event.ticket();
                inFlight--;
                ticket.inFlight = false;
                ServiceQueue queue = services.get(ticket.service);
                queue.inFlight--;
                long now = clock.millis();
                if (event.type() == EventType.SERVICE_MISSING) {
                    queue.notBefore = now + RECHECK_MILLIS;
                } else {
                    if (ticket.backoff == null) {
                        ticket.backoff = new Backoff(backoff);
                    }
                    ticket.notBefore = now + ticket.backoff.nextDelayMillis();
                }
                if (tickets.get(ticket.uuid) == ticket) {
                    queue.waiting.addFirst(ticket); // keep its place in arrival order
                } else {
                    dropIfIdle(queue); // closed while in flight
                }
            }
            case RESUME -> LOG.debug("Titanic dispatch resumed with {} pending requests", tickets.size());
            case STOP -> running = false;
            default -> throw new IllegalStateException(event.type().name());
        }
    }

    private void add(String uuid, String service) {
        if (tickets.containsKey(uuid)) {
            return;
        }
        Ticket ticket = new Ticket(uuid, service);
        tickets.put(uuid, ticket);
        services.computeIfAbsent(service, s -> new ServiceQueue()).waiting.addLast(ticket);
    }

    private void dropIfIdle(ServiceQueue queue) {
        if (queue.waiting.isEmpty() && queue.inFlight == 0) {
            services.values().remove(queue);
        }
    }

    /** Hands ready requests to idle delivery threads, taking services in turn. */
    private void dispatchReady() {
        if (held) {
            return;
        }
        long now = clock.millis();
        boolean progress = true;
        while (inFlight < parallelism && progress) {
            progress = false;
            Iterator<Map.Entry<String, ServiceQueue>> it = services.entrySet().iterator();
            List<Map.Entry<String, ServiceQueue>> served = new ArrayList<>();
            while (it.hasNext() && inFlight < parallelism) {
                Map.Entry<String, ServiceQueue> entry = it.next();
                ServiceQueue queue = entry.getValue();
                if (queue.notBefore > now) {
                    continue;
                }
                Ticket ticket = queue.takeReady(now);
                if (ticket != null) {
                    ticket.inFlight = true;
                    queue.inFlight++;
                    inFlight++;
                    work.add(ticket);
                    progress = true;
                    served.add(entry);
                    it.remove();
                }
            }
            // Services just served go to the back, so every service gets its turn.
            for (Map.Entry<String, ServiceQueue> entry : served) {
                services.put(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Until the earliest back-off ends (or a while, if nothing waits), unless an event comes first. */
    private long waitMillis() {
        if (held) {
            return 1_000; // resume() posts an event, which ends the wait
        }
        long now = clock.millis();
        long earliest = Long.MAX_VALUE;
        if (inFlight < parallelism) {
            for (ServiceQueue queue : services.values()) {
                if (queue.waiting.isEmpty()) {
                    continue;
                }
                earliest = Math.min(earliest, Math.max(queue.notBefore, queue.earliestTicket()));
            }
        }
        return earliest == Long.MAX_VALUE ? 1_000 : Math.max(1, Math.min(1_000, earliest - now));
    }

    // ---- delivery threads ----

    /**
     * One delivery thread. Its caller is made anew, after a back-off, whenever making or using it fails (say the
     * broker's host does not resolve yet): the thread never dies while the dispatcher runs, and a failure that
     * repeats is logged once.
     */
    private void deliverLoop() {
        Backoff restarts = new Backoff(backoff);
        while (running) {
            try (ServiceCaller caller = callers.get()) {
                deliverWith(caller);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                long delay = restarts.nextDelayMillis();
                unreachable.failed("a Titanic delivery thread failed (" + e.getMessage()
                        + "); it starts again after a back-off");
                if (!(e instanceof EndpointException)) {
                    LOG.debug("delivery thread failure", e); // unexpected: the stack trace helps
                }
                try {
                    if (closing.await(delay, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Delivers tickets with {@code caller} until told to stop. */
    private void deliverWith(ServiceCaller caller) throws InterruptedException {
        while (true) {
            Ticket ticket = work.take();
            if (ticket == Ticket.STOP) {
                return;
            }
            if (!running) {
                continue; // closing: leave it pending for the next start rather than delay the stop
            }
            events.add(new Event(deliver(caller, ticket), ticket.uuid, ticket.service, ticket));
        }
    }

    private EventType deliver(ServiceCaller caller, Ticket ticket) {
        try {
            Optional<StoredRequest> request = await(store.waiting(ticket.uuid));
            if (request.isEmpty()) {
                return EventType.DONE; // answered or closed meanwhile
            }
            if (!store.hasSpace()) {
                LOG.debug("store has no space for replies; {} stays pending", ticket.uuid);
                paused.incrementAndGet();
                return EventType.SERVICE_MISSING;
            }
            ServiceCaller.Availability availability = caller.availability(ticket.service);
            if (availability == ServiceCaller.Availability.MISSING) {
                LOG.debug("service {} has no worker yet; {} stays pending", ticket.service, ticket.uuid);
                deferrals.incrementAndGet();
                return EventType.SERVICE_MISSING;
            }
            attempts.incrementAndGet();
            List<byte[]> reply = caller.call(ticket.service, request.get().body());
            if (reply == null) {
                LOG.debug("no reply from {} for {}; will retry", ticket.service, ticket.uuid);
                return EventType.FAILED;
            }
            unreachable.recovered();
            return storeReply(ticket, reply);
        } catch (EndpointException e) {
            // The broker cannot be reached at all: one line per distinct reason, not one per request.
            unreachable.failed("delivery to " + ticket.service + " failed, will retry: " + e.getMessage());
            return EventType.FAILED;
        } catch (RuntimeException e) {
            // Includes a reply over the size limit: not stored, so the request stays pending and is retried.
            if (running) {
                LOG.warn("delivery of {} to {} failed, will retry: {}", ticket.uuid, ticket.service, e.toString());
            }
            return EventType.FAILED;
        }
    }

    /**
     * Stores the reply, holding it and trying again while the store cannot take it (a full disk), so that the
     * service is not called again for a reply it already gave. A reply over the size limit is not held.
     */
    private EventType storeReply(Ticket ticket, List<byte[]> reply) {
        boolean logged = false;
        while (true) {
            try {
                if (await(store.storeReply(ticket.uuid, reply))) {
                    delivered.incrementAndGet();
                }
                return EventType.DONE;
            } catch (TitanicStoreFullException e) {
                if (e.file() == null) {
                    throw e; // over the size limit: holding it cannot help
                }
                logged = holdReply(ticket, e, logged);
            } catch (TitanicStoreException e) {
                logged = holdReply(ticket, e, logged);
            }
            if (!running) {
                return EventType.FAILED;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS));
        }
    }

    private boolean holdReply(Ticket ticket, TitanicStoreException e, boolean logged) {
        heldReplies.incrementAndGet();
        if (!logged) {
            LOG.warn("reply for {} from {} cannot be stored ({}); holding it and storing it again every {} ms",
                    ticket.uuid, ticket.service, e.getMessage(), RECHECK_MILLIS);
        }
        return true;
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(storeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new TitanicStoreException(store.directory(), "store operation failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new TitanicStoreException(store.directory(), "store did not answer within "
                    + storeTimeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TitanicStoreException(store.directory(), "interrupted", e);
        }
    }

    private enum EventType { STORED, CLOSED, DONE, SERVICE_MISSING, FAILED, RESUME, STOP }

    private record Event(EventType type, String uuid, String service, Ticket ticket) {
    }

    /** A pending request in the index. Coordinator thread only (delivery threads read the final fields). */
    private static final class Ticket {
        static final Ticket STOP = new Ticket("", "");

        final String uuid;
        final String service;
        boolean inFlight;
        long notBefore;
        Backoff backoff;

        Ticket(String uuid, String service) {
            this.uuid = uuid;
            this.service = service;
        }
    }

    /** The pending requests of one service in arrival order, and when to ask again for a worker. */
    private static final class ServiceQueue {
        final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
        long notBefore;
        int inFlight;

        /** The first request whose own back-off is over, taken off the queue; null if none. */
        Ticket takeReady(long now) {
            Iterator<Ticket> it = waiting.iterator();
            while (it.hasNext()) {
                Ticket ticket = it.next();
                if (ticket.notBefore <= now) {
                    it.remove();
                    return ticket;
                }
            }
            return null;
        }

        long earliestTicket() {
            long earliest = Long.MAX_VALUE;
            for (Ticket ticket : waiting) {
                earliest = Math.min(earliest, ticket.notBefore);
            }
            return earliest;
        }
    }
}
