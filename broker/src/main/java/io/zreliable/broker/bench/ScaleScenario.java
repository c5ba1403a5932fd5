package io.zreliable.broker.bench;

import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Broker cost as services and workers grow: the same client load (many clients, one request outstanding each)
 * against 1, 100 and 1,000 services with two echo workers each. The baseline is the run with the fewest services.
 */
final class ScaleScenario {
    /** Measured: one JeroMQ DEALER with its loopback connection costs about 5.5 descriptors (both ends). */
    private static final double DESCRIPTORS_PER_SOCKET = 6;

    private ScaleScenario() {
    }

    static void measure(BenchOptions options, List<Integer> serviceCounts, int workersPerService, int clientCount,
            BenchReport report) throws Exception {
        int maxServices = serviceCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
        requireDescriptors((long) (maxServices * workersPerService + clientCount));
        byte[] body = new byte[options.sizes.get(0)];
        LatencySample baseline = null;
        for (int services : serviceCounts) {
            LatencySample sample = measureOne(options, services, workersPerService, clientCount, body);
            if (baseline == null) {
                baseline = sample;
            }
            BenchRow row = new BenchRow("majordomo-scale").param("services", services)
                    .param("workers", services * workersPerService).param("clients", clientCount)
                    .param("size", body.length);
            row.sample(sample, null);
            row.metric("baseline_rps", baseline.requestsPerSecond());
            row.metric("ratio", sample.requestsPerSecond() / baseline.requestsPerSecond());
            report.add(row);
        }
    }

    private static LatencySample measureOne(BenchOptions options, int services, int workersPerService,
            int clientCount, byte[] body) throws Exception {
        List<String> names = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            names.add("echo-" + i);
        }
        BrokerConfig config = BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .maxServices(Math.max(services, 1) + 16)
                .maxWorkers(services * workersPerService + 16)
                .build();
        try (MajordomoBroker broker = new MajordomoBroker(config).start()) {
            String endpoint = broker.endpoints().get(0);
            long heartbeatMillis = config.heartbeat().intervalMillis();
            try (MdpWorkerFarm workers = new MdpWorkerFarm(endpoint, names, workersPerService, heartbeatMillis)) {
                MajordomoScenario.awaitWorkers(broker, services * workersPerService);
                try (MdpClientFarm clients = new MdpClientFarm(endpoint, clientCount, names)) {
                    LatencySample sample = Repeated.median(options, millis -> clients.run(body, millis));
                    if (workers.disconnects() > 0) {
                        throw new IllegalStateException("the broker disconnected " + workers.disconnects()
                                + " workers during the run; the figures would be meaningless");
                    }
                    return sample;
                }
            }
        }
    }

    /** Fails early, with the fix, when the process may not open enough sockets for the largest variant. */
    private static void requireDescriptors(long sockets) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long needed = (long) (sockets * DESCRIPTORS_PER_SOCKET) + 1024;
            if (unix.getMaxFileDescriptorCount() < needed) {
                throw new IllegalArgumentException("bench scale needs about " + needed
                        + " file descriptors, this process may open " + unix.getMaxFileDescriptorCount()
                        + "; raise the limit (ulimit -n " + needed + ") or use fewer --services/--clients");
            }
        }
    }
}
