package io.zreliable.majordomo;

import io.zreliable.common.Clock;
import io.zreliable.common.DropCounter;
import io.zreliable.common.DropSummary;
import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMsg;

/**
 * The Majordomo broker's protocol logic: services, workers, queues, heartbeats and MMI, for peers of every
 * {@link MdpDialect} at once. Each worker and each queued request remembers its peer's dialect, and everything sent
 * to a peer is framed in that dialect ({@link MdpCodec}). Across dialects: an MDP/0.1 worker's REPLY reaches a 0.2
 * client as FINAL; a 0.2 worker's PARTIALs for a 0.1 client are gathered into its one REPLY (bounded by
 * {@code maxMessageBytes} and {@code maxFrames}, else dropped and counted). Every message costs O(1) map and list
 * operations; the heartbeat tick touches only due workers. Writes through a {@link BrokerOutbox}. Owned by the
 * broker's reactor thread; only the counters are read from other threads.
 */
final class BrokerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoBroker.class);

    private final BrokerConfig config;
    private final BrokerOutbox outbox;
    private final Clock clock;
    private final long intervalNanos;
    private final long expiryNanos;
    private final long ttlNanos;
    private final long maxWaitNanos;
    private final DropCounter drops = new DropCounter(LOG);
    private final DropSummary dropSummary;
    private final Map<RoutingId, BrokerWorker> workers = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();
    private final WorkerTimeline timeline = new WorkerTimeline();
    private final MmiService mmi;
    private int queued;
    private long queuedBytes;

    // Written by the reactor thread only, read by stats() from any thread.
    private volatile long requests;
    private volatile long replies;
    private volatile long partials;
    private volatile long workersExpired;
    private volatile long disconnectsSent;
    private volatile int workerCount;
    private volatile int serviceCount;
    private volatile int queuedCount;
    private volatile long queuedBytesCount;

    BrokerEngine(BrokerConfig config, BrokerOutbox outbox, Clock clock) {
        this.config = config;
        this.outbox = outbox;
        this.clock = clock;
        this.intervalNanos = config.heartbeat().interval().toNanos();
        this.expiryNanos = config.heartbeat().expiry().toNanos();
        this.ttlNanos = config.requestTtl().toNanos();
        this.maxWaitNanos = config.maxWait().toNanos();
        this.dropSummary = new DropSummary(drops, LOG, "majordomo broker", clock, DropSummary.DEFAULT_INTERVAL_MILLIS);
        this.mmi = new MmiService(services, drops);
    }

    /** Handles one message read from the ROUTER socket. Never throws for bad input: it is counted and dropped. */
    void onMessage(ZMsg msg) {
        long size = Frames.byteSize(msg);
        int frames = msg.size();
        MessageReader in = MessageReader.of(msg);
        byte[] sender;
        MdpCodec.Header header;
        try {
            sender = in.next("routing id").getData();
            header = MdpCodec.readHeader(in);
        } catch (MalformedMessageException e) {
            drops.drop(e);
            return;
        }
        if (size > config.maxMessageBytes() || frames > config.maxFrames()) {
            tooLarge(sender, header);
        } else if (header.role() == MdpCodec.Role.CLIENT) {
            onClient(sender, header, in);
        } else {
            onWorker(new RoutingId(sender), header, in);
        }
    }

    /** An oversized message: a client's is dropped; a worker's earns DISCONNECT (it may hold a request). */
    private void tooLarge(byte[] sender, MdpCodec.Header header) {
        if (header.role() == MdpCodec.Role.WORKER) {
            RoutingId id = new RoutingId(sender);
            protocolError(id, header.dialect(), workers.get(id), "message too large");
        } else {
            drops.drop("message too large", "from " + Frames.printable(sender));
        }
    }

    private void onClient(byte[] client, MdpCodec.Header header, MessageReader in) {
        MdpCommand.ClientRequest request;
        try {
            request = (MdpCommand.ClientRequest) MdpCodec.readCommand(header, in, MdpCodec.Direction.TO_BROKER);
        } catch (MalformedMessageException e) {
            drops.drop(e);
            return;
        }
        String name = request.service();
        requests++;
        if (MmiProtocol.isMmi(name)) {
            try {
                String answer = mmi.answer(name, MessageReader.of(request.body()));
                sendToClient(client, header.dialect(), new MdpCommand.ClientFinal(name, Frames.message(answer)));
            } catch (MalformedMessageException e) {
                drops.drop(e);
            }
            return;
        }
        long now = clock.nanoTime();
        Service service = service(name, now);
        if (service == null) {
            drops.drop("too many services", name);
            return;
        }
        ZMsg body = request.body();
        enqueue(service, new Service.QueuedRequest(client, header.dialect(), body, now,
                Service.QueuedRequest.charge(client, body)));
        dispatch(service);
    }

    /** Queues a request unless that would exceed a bound by count or by bytes: then it is dropped and counted. */
    private void enqueue(Service service, Service.QueuedRequest request) {
        expire(service, request.arrivedNanos());
        long bytes = request.bytes();
        if (service.queue.size() >= config.maxQueuePerService()) {
            drops.drop("service queue full", service.name);
        } else if (queued >= config.maxQueue()) {
            drops.drop("queue full", service.name);
        } else if (service.queuedBytes + bytes > config.maxQueueBytesPerService()) {
            drops.drop("service queue bytes full", service.name);
        } else if (queuedBytes + bytes > config.maxQueueBytes()) {
            drops.drop("queue bytes full", service.name);
        } else {
            service.queue.add(request);
            service.queuedBytes += bytes;
            queued++;
            queuedBytes += bytes;
            publishQueued();
        }
        forgetIfUnused(service);
    }

    /** Sends queued requests to idle workers, oldest request to longest-idle worker, while both exist. */
    private void dispatch(Service service) {
        long now = clock.nanoTime();
        while (service.hasIdle()) {
            expire(service, now);
            if (service.queue.isEmpty()) {
                break;
            }
            Service.QueuedRequest request = dequeue(service);
            BrokerWorker worker = service.takeIdle();
            worker.busy = true;
            worker.clientDialect = request.dialect();
            worker.gathered = null;
            send(worker, new MdpCommand.Request(request.client(), request.body()), now);
        }
        forgetIfUnused(service);
    }

    /**
     * Discards, oldest first, the queued requests past a deadline: {@code requestTtl} counts only time the service
     * spent without a worker (a busy service's backlog is served, however long), {@code maxWait} (when set) all
     * time queued. Both deadlines grow with arrival, so the first request still in time ends the scan.
     */
    private void expire(Service service, long now) {
        Service.QueuedRequest head;
        while ((head = service.queue.peek()) != null) {
            if (maxWaitNanos > 0 && now - head.arrivedNanos() > maxWaitNanos) {
                drops.drop("request waited too long", service.name);
            } else if (service.workers == 0
                    && now - Math.max(head.arrivedNanos(), service.workerlessSinceNanos) > ttlNanos) {
                drops.drop("request expired", service.name);
            } else {
                return;
            }
            dequeue(service);
        }
    }

    private Service.QueuedRequest dequeue(Service service) {
        Service.QueuedRequest request = service.queue.poll();
        service.queuedBytes -= request.bytes();
        queued--;
        queuedBytes -= request.bytes();
        publishQueued();
        return request;
    }

    private void publishQueued() {
        queuedCount = queued;
        queuedBytesCount = queuedBytes;
    }

    private void onWorker(RoutingId id, MdpCodec.Header header, MessageReader in) {
        MdpDialect dialect = header.dialect();
        BrokerWorker worker = workers.get(id);
        if (worker != null) {
            timeline.seen(worker, clock.nanoTime());
        }
        MdpCommand command;
        try {
            command = MdpCodec.readCommand(header, in, MdpCodec.Direction.TO_BROKER);
        } catch (MalformedMessageException e) {
            drops.drop(e);
            disconnect(id, dialect, worker);
            return;
        }
        if (worker != null && worker.dialect != dialect) {
            protocolError(id, dialect, worker, "worker changed MDP dialect");
        } else if (command instanceof MdpCommand.Ready ready) {
            onReady(id, dialect, worker, ready.service());
        } else if (command instanceof MdpCommand.Partial partial) {
            onPartial(id, dialect, worker, partial);
        } else if (command instanceof MdpCommand.Final reply) {
            onFinal(id, dialect, worker, reply);
        } else if (command instanceof MdpCommand.Heartbeat) {
            if (worker == null) {
                // A worker we do not know (we restarted, or expired it): make it register again.
                protocolError(id, dialect, null, "heartbeat from unknown worker");
            }
        } else if (command instanceof MdpCommand.Disconnect) {
            if (worker != null) {
                LOG.debug("worker {} of service {} disconnected", id, worker.service.name);
                removeWorker(worker);
            }
        } else {
            protocolError(id, dialect, worker, "unexpected worker command " + MdpCommand.describe(command));
        }
    }

    private void onReady(RoutingId id, MdpDialect dialect, BrokerWorker known, String name) {
        if (known != null) {
            protocolError(id, dialect, known, "READY from registered worker");
        } else if (MmiProtocol.isMmi(name)) {
            protocolError(id, dialect, null, "READY for reserved service name");
        } else if (workers.size() >= config.maxWorkers()) {
            protocolError(id, dialect, null, "too many workers");
        } else {
            long now = clock.nanoTime();
            Service service = service(name, now);
            if (service == null) {
                protocolError(id, dialect, null, "too many services");
                return;
            }
            // The wait without a worker ends here: what waited longer than requestTtl for it is gone first.
            expire(service, now);
            BrokerWorker worker = new BrokerWorker(id, service, dialect);
            workers.put(id, worker);
            workerCount = workers.size();
            service.workers++;
            timeline.add(worker, now);
            service.addIdle(worker);
            LOG.debug("worker {} ready for service {} ({})", id, name, dialect);
            dispatch(service);
        }
    }

    /** One part of a streamed reply: forwarded to a 0.2 client, gathered for a 0.1 client. */
    private void onPartial(RoutingId id, MdpDialect dialect, BrokerWorker worker, MdpCommand.Partial partial) {
        if (!holdsRequest(id, dialect, worker, "PARTIAL")) {
            return;
        }
        partials++;
        if (worker.clientDialect.streams()) {
            sendToClient(partial.client(), worker.clientDialect,
                    new MdpCommand.ClientPartial(worker.service.name, partial.body()));
            return;
        }
        if (worker.gathered == null) {
            worker.gathered = new ReplyGatherer(config.maxMessageBytes(), config.maxFrames());
        }
        gather(worker, partial.body());
    }

    private void gather(BrokerWorker worker, ZMsg part) {
        if (!worker.gathered.overflowed() && !worker.gathered.add(part)) {
            drops.drop("streamed reply too large for MDP/0.1 client", worker.service.name);
        }
    }

    /** The last part of a reply (MDP/0.1's REPLY): the worker is idle again. */
    private void onFinal(RoutingId id, MdpDialect dialect, BrokerWorker worker, MdpCommand.Final reply) {
        if (!holdsRequest(id, dialect, worker, dialect == MdpDialect.MDP_0_1 ? "REPLY" : "FINAL")) {
            return;
        }
        Service service = worker.service;
        ReplyGatherer gathered = worker.gathered;
        if (gathered == null) {
            replies++;
            sendToClient(reply.client(), worker.clientDialect, new MdpCommand.ClientFinal(service.name, reply.body()));
        } else {
            gather(worker, reply.body());
            if (!gathered.overflowed()) {
                replies++;
                sendToClient(reply.client(), worker.clientDialect,
                        new MdpCommand.ClientFinal(service.name, gathered.frames()));
            }
        }
        worker.busy = false;
        worker.gathered = null;
        worker.clientDialect = null;
        service.addIdle(worker);
        dispatch(service);
    }

    /** True when the worker is registered and working on a request; else it broke the protocol (DISCONNECT). */
    private boolean holdsRequest(RoutingId id, MdpDialect dialect, BrokerWorker worker, String command) {
        if (worker == null) {
            protocolError(id, dialect, null, command + " from unknown worker");
            return false;
        }
        if (!worker.busy) {
            protocolError(id, dialect, worker, command + " without a REQUEST");
            return false;
        }
        return true;
    }

    /** A worker broke the protocol: count it, tell it DISCONNECT (in the dialect it spoke), and forget it. */
    private void protocolError(RoutingId id, MdpDialect dialect, BrokerWorker worker, String reason) {
        drops.drop(reason, "worker " + id);
        disconnect(id, dialect, worker);
    }

    private void disconnect(RoutingId id, MdpDialect dialect, BrokerWorker worker) {
        // Forget first, so the counters are final by the time the worker can see the DISCONNECT.
        if (worker != null) {
            removeWorker(worker);
        }
        disconnectsSent++;
        deliver(addressed(id.bytes(), MdpCodec.encode(dialect, new MdpCommand.Disconnect())), "DISCONNECT");
    }

    /** Forgets a worker. A request it was working on is lost; its client's retry brings it back. */
    private void removeWorker(BrokerWorker worker) {
        if (workers.remove(worker.id) == null) {
            return;
        }
        workerCount = workers.size();
        timeline.remove(worker);
        Service service = worker.service;
        service.removeIdle(worker);
        service.workers--;
        if (service.workers == 0) {
            service.workerlessSinceNanos = clock.nanoTime();
        }
        forgetIfUnused(service);
    }

    /**
     * Heartbeat tick: expires silent workers, heartbeats the ones we have not sent anything for an interval, and
     * logs the drops since the last summary (WARN, at most once per {@value DropSummary#DEFAULT_INTERVAL_MILLIS}
     * ms).
     */
    void onTick() {
        dropSummary.maybeLog();
        long now = clock.nanoTime();
        BrokerWorker worker;
        while ((worker = timeline.silentSince(now - expiryNanos)) != null) {
            LOG.debug("worker {} of service {} expired", worker.id, worker.service.name);
            workersExpired++;
            removeWorker(worker);
        }
        while ((worker = timeline.quietSince(now - intervalNanos)) != null) {
            send(worker, new MdpCommand.Heartbeat(), now);
        }
    }

    /** Graceful shutdown: every worker is told DISCONNECT and forgotten. */
    void disconnectAll() {
        for (BrokerWorker worker : workers.values().toArray(new BrokerWorker[0])) {
            disconnect(worker.id, worker.dialect, worker);
        }
    }

    private void send(BrokerWorker worker, MdpCommand command, long now) {
        deliver(addressed(worker.id.bytes(), MdpCodec.encode(worker.dialect, command)), worker.service.name);
        timeline.sent(worker, now);
    }

    private void sendToClient(byte[] client, MdpDialect dialect, MdpCommand reply) {
        deliver(addressed(client, MdpCodec.encode(dialect, reply)), "client " + Frames.printable(client));
    }

    /** Hands a message to the outbox; one the socket refused is counted, never lost silently. */
    private void deliver(ZMsg msg, Object detail) {
        switch (outbox.send(msg)) {
            case SENT -> { }
            case PEER_FULL -> drops.drop("peer not reading (high-water mark)", detail);
            case PEER_GONE -> drops.drop("peer gone", detail);
        }
    }

    private static ZMsg addressed(byte[] routingId, ZMsg msg) {
        msg.push(routingId);
        return msg;
    }

    /** The named service, created on demand; null when {@code maxServices} are already known. */
    private Service service(String name, long now) {
        Service service = services.get(name);
        if (service == null && services.size() < config.maxServices()) {
            service = new Service(name, now);
            services.put(name, service);
            serviceCount = services.size();
        }
        return service;
    }

    private void forgetIfUnused(Service service) {
        if (service.isUnused() && services.remove(service.name) != null) {
            serviceCount = services.size();
        }
    }

    BrokerStats stats() {
        return new BrokerStats(requests, replies, partials, workerCount, serviceCount, queuedCount, queuedBytesCount,
                workersExpired, disconnectsSent, drops.total(), drops.snapshot());
    }
}
