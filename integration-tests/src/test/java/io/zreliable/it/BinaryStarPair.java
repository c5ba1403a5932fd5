package io.zreliable.it;

import io.zreliable.binarystar.BinaryStarClient;
import io.zreliable.common.RetryPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * A Binary Star pair (20/BSTAR) of {@code zreliable bstar-echo} servers, each in its own container on loopback ports
 * picked for the drill, and the drill's record of which server answered each request. {@link #close()} removes both
 * containers.
 */
final class BinaryStarPair implements AutoCloseable {
    static final String ACTIVE = "active: answering clients";
    static final String PASSIVE = "passive: standing by";

    /** One reply delivered to the application, and the server it came from. */
    record Answer(long nanos, String server) {
    }

    private final long heartbeatMillis;
    private final String primaryEndpoint = Drills.endpoint(Drills.freeLoopbackPort());
    private final String backupEndpoint = Drills.endpoint(Drills.freeLoopbackPort());
    private final String primaryState = Drills.endpoint(Drills.freeLoopbackPort());
    private final String backupState = Drills.endpoint(Drills.freeLoopbackPort());
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final List<ZReliableContainer> containers = new ArrayList<>();
    private ZReliableContainer primary;
    private ZReliableContainer backup;

    BinaryStarPair(long heartbeatMillis) {
        this.heartbeatMillis = heartbeatMillis;
    }

    /** Starts the primary, then the backup, and waits until the primary is active and the backup passive. */
    BinaryStarPair start() {
        primary = server("primary", primaryEndpoint, primaryState, backupState);
        backup = server("backup", backupEndpoint, backupState, primaryState);
        primary.awaitLog(ACTIVE, 1, Drills.PATIENCE);
        backup.awaitLog(PASSIVE, 1, Drills.PATIENCE);
        return this;
    }

    ZReliableContainer primary() {
        return primary;
    }

    ZReliableContainer backup() {
        return backup;
    }

    String primaryEndpoint() {
        return primaryEndpoint;
    }

    String backupEndpoint() {
        return backupEndpoint;
    }

    /**
     * Callers through the project's {@link BinaryStarClient} (primary first, failover on timeout), each recording the
     * server that answered every request in {@link #answers()}.
     */
    Supplier<ClientLoad.Caller> clients(RetryPolicy policy) {
        return () -> {
            BinaryStarClient client = BinaryStarClient.builder().primary(primaryEndpoint).backup(backupEndpoint)
                    .retryPolicy(policy).build();
            return new ClientLoad.Caller() {
                @Override
                public String call(String body) {
                    String reply = client.request(body);
                    answers.add(new Answer(System.nanoTime(), client.currentEndpoint()));
                    return reply;
                }

                @Override
                public void close() {
                    client.close();
                }
            };
        };
    }

    /** Every answer so far, in the order the clients got them. */
    List<Answer> answers() {
        List<Answer> sorted = new ArrayList<>(answers);
        sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        return sorted;
    }

    /** Answers from {@code server} received after {@code nanos}. */
    long answersFrom(String server, long nanos) {
        return answersFrom(server, nanos, Long.MAX_VALUE);
    }

    /** Answers from {@code server} received after {@code fromNanos} and up to {@code untilNanos}. */
    long answersFrom(String server, long fromNanos, long untilNanos) {
        return answers.stream().filter(a -> a.server().equals(server) && a.nanos() - fromNanos > 0
                && (untilNanos == Long.MAX_VALUE || a.nanos() - untilNanos <= 0)).count();
    }

    /**
     * Split-brain check from the clients' side: once the backup has answered, the primary never answers again (up to
     * {@code untilNanos}, e.g. until an operator restarts the pair). Returns the number of primary answers after the
     * backup's first answer (0 = never did two servers serve).
     */
    long primaryAnswersAfterBackupsFirst(long untilNanos) {
        boolean backupServed = false;
        long interleaved = 0;
        for (Answer answer : answers()) {
            if (answer.nanos() - untilNanos > 0) {
                break;
            }
            if (answer.server().equals(backupEndpoint)) {
                backupServed = true;
            } else if (backupServed) {
                interleaved++;
            }
        }
        return interleaved;
    }

    private ZReliableContainer server(String role, String bind, String local, String peer) {
        ZReliableContainer server = ZReliableContainer.zreliable(role, "bstar-echo " + role + " ready on",
                "bstar-echo", "--role", role, "--bind", bind, "--local", local, "--peer", peer,
                "--pair-heartbeat-ms", Long.toString(heartbeatMillis));
        containers.add(server);
        return server.start();
    }

    @Override
    public void close() {
        ZReliableContainer.closeAll(containers);
    }
}
