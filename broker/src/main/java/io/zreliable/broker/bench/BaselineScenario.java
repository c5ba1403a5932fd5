package io.zreliable.broker.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures the ceilings, per body size: the one-hop ceiling (raw JeroMQ through a proxy to an echo server), sync and
 * pipelined; and the lock-step ceiling of one MDP worker (a ROUTER with one request at a time out to an echo peer).
 */
final class BaselineScenario {
    /** The ceilings for one body size. */
    record Baseline(LatencySample sync, LatencySample async, LatencySample lockstep) {
    }

    private BaselineScenario() {
    }

    static Map<Integer, Baseline> measure(BenchOptions options, BenchReport report) throws Exception {
        Map<Integer, Baseline> baselines = new LinkedHashMap<>();
        try (EchoProxyTopology topology = new EchoProxyTopology();
                RawDealerClient client = new RawDealerClient(topology.context(), topology.frontend());
                LockstepEcho lockstep = new LockstepEcho()) {
            for (int size : options.sizes) {
                byte[] body = new byte[size];
                LatencySample sync = Repeated.median(options,
                        millis -> SyncLoad.run(client::roundTrip, body, millis));
                report.add(new BenchRow("baseline-sync").param("in_flight", 1).param("size", size).sample(sync, null));
                LatencySample async = Repeated.median(options,
                        millis -> client.pipelined(body, options.inFlight, millis));
                report.add(new BenchRow("baseline-async").param("in_flight", options.inFlight).param("size", size)
                        .sample(async, null));
                LatencySample lockstepSample = Repeated.median(options,
                        millis -> SyncLoad.run(lockstep::roundTrip, body, millis));
                report.add(new BenchRow("baseline-lockstep").param("in_flight", 1).param("size", size)
                        .sample(lockstepSample, null));
                baselines.put(size, new Baseline(sync, async, lockstepSample));
            }
        }
        return baselines;
    }
}
