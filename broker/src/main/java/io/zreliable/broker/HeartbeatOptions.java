package io.zreliable.broker;

import io.zreliable.common.HeartbeatConfig;
import picocli.CommandLine.Option;

/** The 6/PPP heartbeat flags shared by {@code ppqueue} and {@code ppworker}, which must agree on them. */
final class HeartbeatOptions {
    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "2500",
            description = "Heartbeat interval in ms (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--liveness", paramLabel = "N", defaultValue = "3",
            description = "Missed heartbeats before the peer counts as dead (default: ${DEFAULT-VALUE}).")
    int liveness;

    HeartbeatConfig toConfig() {
        return HeartbeatConfig.builder().intervalMillis(heartbeatMillis).liveness(liveness).build();
    }
}
