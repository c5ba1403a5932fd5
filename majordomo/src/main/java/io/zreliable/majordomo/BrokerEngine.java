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
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The Majordomo broker's protocol logic over one ROUTER socket: services, workers, queues, heartbeats and MMI. Every
 * message costs O(1) map and list operations; the heartbeat tick touches only due workers. Owned by the broker's
 * reactor thread; only the counters are read from other threads.
 */
final class BrokerEngine {
    private static final Logger LOG = LoggerFactory.getLogger(MajordomoBroker.class);

    private final BrokerConfig config;
    private final ZMQ.Socket socket;
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
    private volatile long workersExpired;
    private volatile long disconnectsSent;
    private volatile int workerCount;
    private volatile int serviceCount;
    private volatile int queuedCount;

    BrokerEngine(BrokerConfig config, ZMQ.Socket socket, Clock clock) {
        this.config = config;
        this.socket = socket;
        this.clock = clock;
        this.intervalNanos = config.heartbeat().interval().toNanos();
        this.expiryNanos = config.heartbeat().expiry().toNanos();
        this.ttlNanos = config.requestTtl().toNanos();
        this.mmi = new MmiService(services);
    }

    /** Handles one message read from the ROUTER socket. Never throws for bad input: it is counted and dropped. */
    void onMessage(ZMsg msg) {
        long size = Frames.byteSize(msg);
        MessageReader in = MessageReader.of(msg);
        try {
            byte[] sender = in.next("routing id").getData();
            in.expectEmpty("envelope delimiter");
            byte[] header = in.next("protocol header").getData();
            if (size > config.maxMessageBytes() || msg.size() > config.maxFrames()) {
                tooLarge(sender, header);
            } else if (MdpProtocol.isClientHeader(header)) {
                onClient(sender, in);
            } else if (MdpProtocol.isWorkerHeader(header)) {
                onWorker(new RoutingId(sender), in);
            } else {
                drops.drop("unknown header", Frames.printable(header));
            }
        } catch (MalformedMessageException e) {
            drops.drop(e);
        }
    }

    /** An oversized message: a client's is dropped; a worker's earns DISCONNECT (it may hold a request). */
    private void tooLarge(byte[] sender, byte[] header) {
        if (MdpProtocol.isWorkerHeader(header)) {
            RoutingId id = new RoutingId(sender);
            protocolError(id, workers.get(id), "message too large");
        } else {
            drops.drop("message too large", "from " + Frames.printable(sender));
        }
    }

    private void onClient(byte[] client, MessageReader in) throws MalformedMessageException {
        String name = serviceName(in);
        in.expectMore("request body");
        requests++;
        if (MmiProtocol.isMmi(name)) {
            String answer = mmi.answer(name, in);
            sendToClient(client, Frames.utf8(name), Frames.message(answer));
            return;
        }
        Service service = service(name);
        if (service == null) {
            drops.drop("too many services", name);
            return;
        }
        enqueue(service, client, in.rest());
        dispatch(service);
    }

    private static String serviceName(MessageReader in) throws MalformedMessageException {
        byte[] name = in.nextBytes("service name", MdpProtocol.MAX_SERVICE_NAME);
        if (!MdpProtocol.isServiceName(name)) {
            throw new MalformedMessageException("bad service name", Frames.printable(name));
        }
        return Frames.text(name);
    }

    private void enqueue(Service service, byte[] client, ZMsg body) {
        long now = clock.nanoTime();
        discardExpired(service, now);
        if (service.queue.size() >= config.maxQueuePerService()) {
            drops.drop("service queue full", service.name);
        } else if (queued >= config.maxQueue()) {
            drops.drop("queue full", service.name);
        } else {
            service.queue.add(new Service.QueuedRequest(client, body, now));
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
            ZMsg msg = workerCommand(worker, MdpProtocol.REQUEST);
            msg.add(request.client());
            msg.add(MdpProtocol.EMPTY);
            msg.addAll(request.body());
            send(worker, msg, now);
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

    private void onWorker(RoutingId id, MessageReader in) {
        BrokerWorker worker = workers.get(id);
        if (worker != null) {
            timeline.seen(worker, clock.nanoTime());
        }
        try {
            byte command = in.nextByte("worker command");
            switch (command) {
                case MdpProtocol.READY -> onReady(id, worker, in);
                case MdpProtocol.REPLY -> onReply(id, worker, in);
                case MdpProtocol.HEARTBEAT -> {
                    in.expectEnd("HEARTBEAT");
                    if (worker == null) {
                        // A worker we do not know (we restarted, or expired it): make it register again.
                        protocolError(id, null, "heartbeat from unknown worker");
                    }
                }
                case MdpProtocol.DISCONNECT -> {
                    if (worker != null) {
                        LOG.debug("worker {} of service {} disconnected", id, worker.service.name);
                        removeWorker(worker);
                    }
                }
                default -> protocolError(id, worker, "unexpected worker command " + MdpProtocol.commandName(command));
            }
        } catch (MalformedMessageException e) {
            drops.drop(e);
            disconnect(id, worker);
        }
    }

    private void onReady(RoutingId id, BrokerWorker known, MessageReader in) throws MalformedMessageException {
        String name = serviceName(in);
        in.expectEnd("READY");
        if (known != null) {
            protocolError(id, known, "READY from registered worker");
        } else if (MmiProtocol.isMmi(name)) {
            protocolError(id, null, "READY for reserved service name");
        } else if (workers.size() >= config.maxWorkers()) {
            protocolError(id, null, "too many workers");
        } else {
            Service service = service(name);
            if (service == null) {
                protocolError(id, null, "too many services");
                return;
            }
            BrokerWorker worker = new BrokerWorker(id, service);
            workers.put(id, worker);
            workerCount = workers.size();
            service.workers++;
            timeline.add(worker, clock.nanoTime());
            service.addIdle(worker);
            LOG.debug("worker {} ready for service {}", id, name);
            dispatch(service);
        }
    }

    private void onReply(RoutingId id, BrokerWorker worker, MessageReader in) throws MalformedMessageException {
        byte[] client = in.nextBytes("client address", MdpProtocol.MAX_ADDRESS);
        in.expectEmpty("client address delimiter");
        in.expectMore("reply body");
        if (worker == null) {
            protocolError(id, null, "REPLY from unknown worker");
            return;
        }
        if (!worker.busy) {
            protocolError(id, worker, "REPLY without a REQUEST");
            return;
        }
        replies++;
        Service service = worker.service;
        sendToClient(client, service.nameBytes, in.rest());
        worker.busy = false;
        service.addIdle(worker);
        dispatch(service);
    }

    /** A worker broke the protocol: count it, tell it DISCONNECT, and forget it. */
    private void protocolError(RoutingId id, BrokerWorker worker, String reason) {
        drops.drop(reason, "worker " + id);
        disconnect(id, worker);
    }

    private void disconnect(RoutingId id, BrokerWorker worker) {
        // Forget first, so the counters are final by the time the worker can see the DISCONNECT.
        if (worker != null) {
            removeWorker(worker);
        }
        ZMsg msg = new ZMsg();
        msg.add(id.bytes());
        msg.add(MdpProtocol.EMPTY);
        msg.add(MdpProtocol.WORKER_HEADER);
        msg.add(new byte[] {MdpProtocol.DISCONNECT});
        disconnectsSent++;
        msg.send(socket);
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
            send(worker, workerCommand(worker, MdpProtocol.HEARTBEAT), now);
        }
    }

    /** Graceful shutdown: every worker is told DISCONNECT and forgotten. */
    void disconnectAll() {
        for (BrokerWorker worker : workers.values().toArray(new BrokerWorker[0])) {
            disconnect(worker.id, worker);
        }
    }

    private ZMsg workerCommand(BrokerWorker worker, byte command) {
        ZMsg msg = new ZMsg();
        msg.add(worker.id.bytes());
        msg.add(MdpProtocol.EMPTY);
        msg.add(MdpProtocol.WORKER_HEADER);
        msg.add(new ZFrame(new byte[] {command}));
        return msg;
    }

    private void send(BrokerWorker worker, ZMsg msg, long now) {
        msg.send(socket);
        timeline.sent(worker, now);
    }

    private void sendToClient(byte[] client, byte[] service, ZMsg body) {
        ZMsg msg = new ZMsg();
        msg.add(client);
        msg.add(MdpProtocol.EMPTY);
        msg.add(MdpProtocol.CLIENT_HEADER);
        msg.add(service);
        msg.addAll(body);
        msg.send(socket);
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
        return new BrokerStats(requests, replies, workerCount, serviceCount, queuedCount, workersExpired,
                disconnectsSent, drops.total(), drops.snapshot());
    }
}
