package io.zreliable.broker;

import io.zreliable.common.HeartbeatConfig;
import picocli.CommandLine.Option;

/** Heartbeat flags shared by commands whose peers must agree on them (ppqueue/ppworker, titanic/broker). */
final class HeartbeatOptions {
    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "2500",
            description = "Heartbeat between this process and its peers (7/MDP or 6/PPP); both sides must use the "
                    + "same (default: ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--liveness", paramLabel = "N", defaultValue = "3",
            description = "Missed heartbeats before the peer counts as dead (default: ${DEFAULT-VALUE}).")
    int liveness;

    HeartbeatConfig toConfig() {
        return HeartbeatConfig.builder().intervalMillis(Flags.positive(heartbeatMillis, "--heartbeat-ms"))
                .liveness(Flags.positive(liveness, "--liveness")).build();
    }
}
