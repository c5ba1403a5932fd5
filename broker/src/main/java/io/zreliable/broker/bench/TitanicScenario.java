package io.zreliable.broker.bench;

import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.titanic.Titanic;
import io.zreliable.titanic.TitanicClient;
import io.zreliable.titanic.TitanicConfig;
import io.zreliable.titanic.TitanicStoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.zeromq.ZMsg;

/**
 * Acknowledged {@code titanic.request}s per second (each acknowledged only after its commit) from one client and
 * from many concurrent ones, next to the raw durable-write rate of the same directory measured in the same run:
 * one forced append per record, and one per batch of 100. Also measured in the same run, on the same broker: the
 * message-path ceiling, the same clients' MDP round trips to as many echo workers with no store behind them, which
 * no acknowledged request can beat; how many requests shared each journal batch, and how many fsyncs each batch
 * cost (one: the journal's fdatasync; checkpoints run on their own thread).
 */
final class TitanicScenario {
    private static final String SERVICE = "bench.sink";
    private static final String CEILING_SERVICE = "bench.echo";
    private static final int FSYNC_BATCH = 100;
    /** Requests stay stored (no worker serves the service), so the store must hold the whole run. */
    private static final int MAX_ENTRIES = 10_000_000;
    private static final RetryPolicy ONE_LONG_ATTEMPT =
            RetryPolicy.builder().timeoutMillis(30_000).attempts(1).build();

    private TitanicScenario() {
    }

    static void measure(BenchOptions options, Path parent, List<Integer> clientCounts, BenchReport report)
            throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(parent), "zreliable-bench-titanic-");
        try {
            int recordBytes = options.sizes.get(0);
            LatencySample perRecord = Repeated.median(options,
                    millis -> FsyncProbe.run(dir, recordBytes, 1, millis));
            report.add(new BenchRow("fsync").param("batch", 1).param("size", recordBytes).sample(perRecord, null));
            LatencySample perBatch = Repeated.median(options,
                    millis -> FsyncProbe.run(dir, recordBytes, FSYNC_BATCH, millis));
            report.add(new BenchRow("fsync").param("batch", FSYNC_BATCH).param("size", recordBytes)
                    .sample(perBatch, null));
            int maxClients = clientCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
            try (MajordomoBroker broker = new MajordomoBroker(
                    BrokerConfig.builder().bind("tcp://127.0.0.1:*").build()).start();
                    Titanic titanic = Titanic.start(TitanicConfig.builder(
                            TitanicStoreConfig.builder(dir.resolve("store")).maxEntries(MAX_ENTRIES).build())
                            .connect(broker.endpoints().get(0)).requestWorkers(maxClients).build())) {
                String endpoint = broker.endpoints().get(0);
                byte[] body = new byte[recordBytes];
                for (int clients : clientCounts) {
                    LatencySample ceiling = measureCeiling(options, broker, clients, body);
                    report.add(new BenchRow("titanic-ceiling").param("clients", clients)
                            .param("request_workers", clients).param("size", recordBytes).sample(ceiling, null));
                    long commitsBefore = titanic.store().commitCount();
                    long syncsBefore = titanic.store().syncCount();
                    long storedBefore = titanic.store().entries();
                    LatencySample sample = measureClients(options, endpoint, clients, body);
                    long batches = Math.max(1, titanic.store().commitCount() - commitsBefore);
                    double perCommit = (double) (titanic.store().entries() - storedBefore) / batches;
                    double syncsPerBatch = (double) (titanic.store().syncCount() - syncsBefore) / batches;
                    BenchRow row = new BenchRow("titanic-request").param("clients", clients)
                            .param("request_workers", maxClients).param("size", recordBytes)
                            .sample(sample, null);
                    row.metric("fsync_rps", perRecord.requestsPerSecond());
                    row.metric("ratio", sample.requestsPerSecond() / perRecord.requestsPerSecond());
                    row.metric("per_commit", perCommit);
                    row.metric("fsyncs_per_batch", syncsPerBatch);
                    row.metric("ceiling_rps", ceiling.requestsPerSecond());
                    row.metric("ceiling_ratio", sample.requestsPerSecond() / ceiling.requestsPerSecond());
                    report.add(row);
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** The same number of sync MDP clients against as many inline echo workers: titanic.request without the store. */
    private static LatencySample measureCeiling(BenchOptions options, MajordomoBroker broker, int count, byte[] body)
            throws Exception {
        String endpoint = broker.endpoints().get(0);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            int workersBefore = broker.stats().workers();
            resources.addAll(MajordomoScenario.startEchoWorkers(endpoint, CEILING_SERVICE, count,
                    MajordomoScenario.HandlerMode.INLINE));
            MajordomoScenario.awaitWorkers(broker, workersBefore + count);
            List<SyncLoad.RoundTrip> roundTrips = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                MajordomoClient client = new MajordomoClient(List.of(endpoint), ONE_LONG_ATTEMPT);
                resources.add(client);
                // Shaped like a titanic.request body: [service name][body].
                roundTrips.add(b -> {
                    ZMsg request = ZMsg.newStringMsg(SERVICE);
                    request.add(b);
                    client.send(CEILING_SERVICE, request);
                });
            }
            return Repeated.median(options, millis -> SyncLoad.runConcurrently(roundTrips, body, millis));
        } finally {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    private static LatencySample measureClients(BenchOptions options, String endpoint, int count, byte[] body)
            throws Exception {
        List<TitanicClient> clients = new ArrayList<>(count);
        try {
            List<SyncLoad.RoundTrip> roundTrips = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                TitanicClient client = new TitanicClient(List.of(endpoint), ONE_LONG_ATTEMPT);
                clients.add(client);
                roundTrips.add(b -> client.submit(SERVICE, List.of(b)));
            }
            return Repeated.median(options, millis -> SyncLoad.runConcurrently(roundTrips, body, millis));
        } finally {
            clients.forEach(TitanicClient::close);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
