package io.zreliable.it;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MmiProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Majordomo broker and echo workers of a drill, each a {@code zreliable} process in its own container, on one
 * loopback port picked for the drill (a restarted broker comes back on it). Heartbeats are short so that a dead broker
 * or worker is noticed in about a second, yet several missed beats are tolerated on a loaded machine.
 * {@link #close()} removes every container it made.
 */
final class MajordomoCluster implements AutoCloseable {
    static final String SERVICE = "echo";
    private static final String BROKER_READY = "majordomo broker ready on";
    private static final String WORKER_READY = "echo worker for service '" + SERVICE + "' ready";
    private static final RetryPolicy MMI_POLICY = RetryPolicy.builder().timeoutMillis(1000).attempts(1).build();

    private final int port = Drills.freeLoopbackPort();
    private final long heartbeatMillis;
    private final int liveness;
    private final List<ZReliableContainer> containers = new ArrayList<>();

    /** @param liveness missed heartbeats before a peer counts as dead (broker and workers alike) */
    MajordomoCluster(long heartbeatMillis, int liveness) {
        this.heartbeatMillis = heartbeatMillis;
        this.liveness = liveness;
    }

    String endpoint() {
        return Drills.endpoint(port);
    }

    /** Starts the broker (binding 127.0.0.1:port) and waits for its ready line. */
    ZReliableContainer startBroker() {
        return started(ZReliableContainer.zreliable("broker", BROKER_READY, "broker", "--bind", endpoint(),
                "--heartbeat-ms", Long.toString(heartbeatMillis), "--liveness", Integer.toString(liveness)));
    }

    /** Starts an echo worker connected to the broker; it reconnects quickly when the broker goes away. */
    ZReliableContainer startWorker(String name) {
        return started(ZReliableContainer.zreliable(name, WORKER_READY, "worker", "--connect", endpoint(),
                "--service", SERVICE, "--heartbeat-ms", Long.toString(heartbeatMillis),
                "--liveness", Integer.toString(liveness), "--reconnect-ms", Long.toString(heartbeatMillis)));
    }

    /** Waits until the broker reports (8/MMI, mmi.workers) exactly {@code count} registered echo workers. */
    void awaitWorkers(int count, Duration timeout) {
        awaitMmi(MmiProtocol.WORKERS, count, timeout);
    }

    /** Waits until the broker reports (mmi.queue) {@code count} echo requests waiting for a worker. */
    void awaitQueued(int count, Duration timeout) {
        awaitMmi(MmiProtocol.QUEUE, count, timeout);
    }

    private void awaitMmi(String query, int count, Duration timeout) {
        try (MajordomoClient mmi = new MajordomoClient(List.of(endpoint()), MMI_POLICY)) {
            String[] last = {"no answer"};
            Drills.await(timeout, () -> query + " " + SERVICE + " = " + count + " (last answer: " + last[0] + ")",
                    () -> {
                        try {
                            last[0] = mmi.send(query, SERVICE);
                        } catch (RequestTimeoutException e) {
                            last[0] = "timeout";
                        }
                        return last[0].equals(Integer.toString(count));
                    });
        }
    }

    private ZReliableContainer started(ZReliableContainer container) {
        containers.add(container);
        return container.start();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (ZReliableContainer container : containers) {
            try {
                container.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
