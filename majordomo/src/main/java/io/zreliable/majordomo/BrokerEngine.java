package io.zreliable.majordomo;

import io.zreliable.common.Clock;
import io.zreliable.common.DropCounter;
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
    private final DropCounter drops = new DropCounter(LOG);
    private final Map<RoutingId, BrokerWorker> workers = new HashMap<>();
    private final Map<String, Service> services = new HashMap<>();
    private final WorkerTimeline timeline = new WorkerTimeline();
    private final MmiService mmi;
    private int queued;

    // Written by the reactor thread only, read by stats() from any thread.
    private volatile long requests;
    private volatile long replies;
    private volatile long partials;
    private volatile long workersExpired;
    private volatile long disconnectsSent;
    private volatile int workerCount;
    private volatile int serviceCount;
    private volatile int queuedCount;

    BrokerEngine(BrokerConfig config, BrokerOutbox outbox, Clock clock) {
        this.config = config;
        this.outbox = outbox;
        this.clock = clock;
        this.intervalNanos = config.heartbeat().interval().toNanos();
        this.expiryNanos = config.heartbeat().expiry().toNanos();
        this.ttlNanos = config.requestTtl().toNanos();
        this.mmi = new MmiService(services);
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
        Service service = service(name);
        if (service == null) {
            drops.drop("too many services", name);
            return;
        }
        enqueue(service, new Service.QueuedRequest(client, header.dialect(), request.body(), clock.nanoTime()));
        dispatch(service);
    }

    private void enqueue(Service service, Service.QueuedRequest request) {
        discardExpired(service, request.arrivedNanos());
        if (service.queue.size() >= config.maxQueuePerService()) {
            drops.drop("service queue full", service.name);
        } else if (queued >= config.maxQueue()) {
            drops.drop("queue full", service.name);
        } else {
            service.queue.add(request);
            queued++;
            queuedCount = queued;
        }
        forgetIfUnused(service);
    }

    /** Sends queued requests to idle workers, oldest request to longest-idle worker, while both exist. */
    private void dispatch(Service service) {
        long now = clock.nanoTime();
        while (service.hasIdle() && !service.queue.isEmpty()) {
            Service.QueuedRequest request = dequeue(service);
            if (now - request.arrivedNanos() > ttlNanos) {
                drops.drop("request expired", service.name);
                continue;
            }
            BrokerWorker worker = service.takeIdle();
            worker.busy = true;
            worker.clientDialect = request.dialect();
            worker.gathered = null;
            send(worker, new MdpCommand.Request(request.client(), request.body()), now);
        }
        forgetIfUnused(service);
    }

    private void discardExpired(Service service, long now) {
        while (!service.queue.isEmpty() && now - service.queue.peek().arrivedNanos() > ttlNanos) {
            dequeue(service);
            drops.drop("request expired", service.name);
        }
    }

    private Service.QueuedRequest dequeue(Service service) {
        queued--;
        queuedCount = queued;
        return service.queue.poll();
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
            Service service = service(name);
            if (service == null) {
                protocolError(id, dialect, null, "too many services");
                return;
            }
            BrokerWorker worker = new BrokerWorker(id, service, dialect);
            workers.put(id, worker);
            workerCount = workers.size();
            service.workers++;
            timeline.add(worker, clock.nanoTime());
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
        outbox.send(addressed(id.bytes(), MdpCodec.encode(dialect, new MdpCommand.Disconnect())));
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
        forgetIfUnused(service);
    }

    /** Heartbeat tick: expires silent workers and heartbeats the ones we have not sent anything for an interval. */
    void onTick() {
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
        outbox.send(addressed(worker.id.bytes(), MdpCodec.encode(worker.dialect, command)));
        timeline.sent(worker, now);
    }

    private void sendToClient(byte[] client, MdpDialect dialect, MdpCommand reply) {
        outbox.send(addressed(client, MdpCodec.encode(dialect, reply)));
    }

    private static ZMsg addressed(byte[] routingId, ZMsg msg) {
        msg.push(routingId);
        return msg;
    }

    /** The named service, created on demand; null when {@code maxServices} are already known. */
    private Service service(String name) {
        Service service = services.get(name);
        if (service == null && services.size() < config.maxServices()) {
            service = new Service(name);
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
        return new BrokerStats(requests, replies, partials, workerCount, serviceCount, queuedCount, workersExpired,
                disconnectsSent, drops.total(), drops.snapshot());
    }
}
