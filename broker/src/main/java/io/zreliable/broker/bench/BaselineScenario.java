package io.zreliable.broker.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Measures the one-hop ceiling (raw JeroMQ through a proxy to an echo server), sync and pipelined, per body size. */
final class BaselineScenario {
    /** The ceiling for one body size. */
    record Baseline(LatencySample sync, LatencySample async) {
    }

    private BaselineScenario() {
    }

    static Map<Integer, Baseline> measure(BenchOptions options, BenchReport report) throws Exception {
        Map<Integer, Baseline> baselines = new LinkedHashMap<>();
        try (EchoProxyTopology topology = new EchoProxyTopology();
                RawDealerClient client = new RawDealerClient(topology.context(), topology.frontend())) {
            for (int size : options.sizes) {
                byte[] body = new byte[size];
                LatencySample sync = Repeated.median(options,
                        millis -> SyncLoad.run(client::roundTrip, body, millis));
                report.add(new BenchRow("baseline-sync").param("in_flight", 1).param("size", size).sample(sync, null));
                LatencySample async = Repeated.median(options,
                        millis -> client.pipelined(body, options.inFlight, millis));
                report.add(new BenchRow("baseline-async").param("in_flight", options.inFlight).param("size", size)
                        .sample(async, null));
                baselines.put(size, new Baseline(sync, async));
            }
        }
        return baselines;
    }
}
