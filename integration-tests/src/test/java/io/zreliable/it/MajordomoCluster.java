package io.zreliable.it;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MmiProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Majordomo broker (or an HA pair of brokers, 20/BSTAR) and echo workers of a drill, each a {@code zreliable}
 * process in its own container, on loopback ports picked for the drill (a restarted broker comes back on them).
 * Heartbeats are short so that a dead broker or worker is noticed in about a second, yet several missed beats are
 * tolerated on a loaded machine. Workers and MMI queries know every broker endpoint. {@link #close()} removes every
 * container it made.
 */
final class MajordomoCluster implements AutoCloseable {
    static final String SERVICE = "echo";
    private static final String BROKER_READY = "majordomo broker ready on";
    private static final String WORKER_READY = "echo worker for service '" + SERVICE + "' ready";
    /** Log lines of an HA broker becoming active / passive. */
    static final String HA_ACTIVE = "active: serving clients and workers";
    static final String HA_PASSIVE = "passive: refusing clients and workers";
    private static final RetryPolicy MMI_POLICY = RetryPolicy.builder().timeoutMillis(1000).attempts(1).build();

    private final List<String> endpoints = new ArrayList<>();
    private final long heartbeatMillis;
    private final int liveness;
    private final List<ZReliableContainer> containers = new ArrayList<>();
    /** HA pair only: each server's state endpoint, and the pair's state heartbeat. */
    private final List<String> haStates = new ArrayList<>();
    private long haHeartbeatMillis;

    /**
     * One broker.
     *
     * @param liveness missed heartbeats before a peer counts as dead (broker and workers alike)
     */
    MajordomoCluster(long heartbeatMillis, int liveness) {
        this.heartbeatMillis = heartbeatMillis;
        this.liveness = liveness;
        endpoints.add(Drills.endpoint(Drills.freeLoopbackPort()));
    }

    /** An HA pair of brokers: primary (first endpoint) and backup, exchanging states every {@code haHeartbeat}. */
    static MajordomoCluster haPair(long heartbeatMillis, int liveness, long haHeartbeatMillis) {
        MajordomoCluster pair = new MajordomoCluster(heartbeatMillis, liveness);
        pair.endpoints.add(Drills.endpoint(Drills.freeLoopbackPort()));
        pair.haStates.add(Drills.endpoint(Drills.freeLoopbackPort()));
        pair.haStates.add(Drills.endpoint(Drills.freeLoopbackPort()));
        pair.haHeartbeatMillis = haHeartbeatMillis;
        return pair;
    }

    /** The (first) broker's endpoint. */
    String endpoint() {
        return endpoints.get(0);
    }

    /** Every broker endpoint, primary first. */
    List<String> endpoints() {
        return List.copyOf(endpoints);
    }

    /**
     * Starts one server of the HA pair: {@code primary} binds the first endpoint, {@code backup} the second; waits
     * for its ready line (active or passive comes later: see {@link #HA_ACTIVE}, {@link #HA_PASSIVE}).
     */
    ZReliableContainer startHaBroker(boolean primary) {
        if (haStates.isEmpty()) {
            throw new IllegalStateException("not an HA pair: use MajordomoCluster.haPair");
        }
        int me = primary ? 0 : 1;
        String role = primary ? "primary" : "backup";
        return started(ZReliableContainer.zreliable(role, "(?i)HA broker " + role + " ready on", "broker",
                "--ha", role, "--bind", endpoints.get(me), "--ha-local", haStates.get(me),
                "--ha-peer", haStates.get(1 - me), "--pair-heartbeat-ms", Long.toString(haHeartbeatMillis),
                "--heartbeat-ms", Long.toString(heartbeatMillis), "--liveness", Integer.toString(liveness)));
    }

    /** Starts the broker (binding 127.0.0.1:port) and waits for its ready line. */
    ZReliableContainer startBroker() {
        return started(ZReliableContainer.zreliable("broker", BROKER_READY, "broker", "--bind", endpoint(),
                "--heartbeat-ms", Long.toString(heartbeatMillis), "--liveness", Integer.toString(liveness)));
    }

    /**
     * Starts an echo worker that knows every broker endpoint (it moves to the next one when its broker dies or sends
     * DISCONNECT); it reconnects quickly when the broker goes away.
     */
    ZReliableContainer startWorker(String name) {
        List<String> args = new ArrayList<>(List.of("worker"));
        endpoints.forEach(e -> args.addAll(List.of("--connect", e)));
        args.addAll(List.of("--service", SERVICE, "--heartbeat-ms", Long.toString(heartbeatMillis),
                "--liveness", Integer.toString(liveness), "--reconnect-ms", Long.toString(heartbeatMillis)));
        return started(ZReliableContainer.zreliable(name, WORKER_READY, args.toArray(String[]::new)));
    }

    /**
     * Starts a Titanic server (9/TSP) against the broker with its store in {@code store} inside the container (the
     * container's own file system: a restart of the same container finds the store again).
     */
    ZReliableContainer startTitanic(String store) {
        return started(ZReliableContainer.zreliable("titanic", "Titanic ready on", "titanic", "--connect", endpoint(),
                "--store", store, "--heartbeat-ms", Long.toString(heartbeatMillis),
                "--liveness", Integer.toString(liveness), "--request-timeout-ms", "2000"));
    }

    /** Waits until the broker reports (8/MMI, mmi.workers) exactly {@code count} registered echo workers. */
    void awaitWorkers(int count, Duration timeout) {
        awaitMmi(MmiProtocol.WORKERS, SERVICE, Integer.toString(count), timeout);
    }

    /** Waits until the broker knows a worker of {@code service} (8/MMI mmi.service answers 200). */
    void awaitService(String service, Duration timeout) {
        awaitMmi(MmiProtocol.SERVICE, service, MmiProtocol.FOUND, timeout);
    }

    /** Waits until the broker reports (mmi.queue) {@code count} echo requests waiting for a worker. */
    void awaitQueued(int count, Duration timeout) {
        awaitMmi(MmiProtocol.QUEUE, SERVICE, Integer.toString(count), timeout);
    }

    private void awaitMmi(String query, String service, String expected, Duration timeout) {
        // With an HA pair the query alternates between the servers: the passive one never answers a client.
        try (MajordomoClient mmi = new MajordomoClient(endpoints, MMI_POLICY)) {
            String[] last = {"no answer"};
            Drills.await(timeout, () -> query + " " + service + " = " + expected + " (last answer: " + last[0] + ")",
                    () -> {
                        try {
                            last[0] = mmi.send(query, service);
                        } catch (RequestTimeoutException e) {
                            last[0] = "timeout";
                        }
                        return last[0].equals(expected);
                    });
        }
    }

    private ZReliableContainer started(ZReliableContainer container) {
        containers.add(container);
        return container.start();
    }

    @Override
    public void close() {
        ZReliableContainer.closeAll(containers);
    }
}
