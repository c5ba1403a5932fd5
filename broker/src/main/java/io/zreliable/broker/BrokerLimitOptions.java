package io.zreliable.broker;

import io.zreliable.common.Require;
import io.zreliable.majordomo.BrokerConfig;
import picocli.CommandLine.Option;

/** The broker's bounds on hostile or runaway peers beyond its queue limits: services, frames, high-water mark. */
final class BrokerLimitOptions {
    @Option(names = "--max-services", paramLabel = "N", defaultValue = "1000",
            description = "Services known at once; a request or READY for one more is dropped / gets DISCONNECT "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxServices;

    @Option(names = "--max-frames", paramLabel = "N", defaultValue = "1000",
            description = "Most frames in one message; more is treated as too large (default: ${DEFAULT-VALUE}).")
    int maxFrames;

    @Option(names = "--hwm", paramLabel = "MESSAGES", defaultValue = "1000",
            description = "Messages queued per peer each way (ZMQ_SNDHWM/RCVHWM); replies to a client that does not "
                    + "read them are dropped beyond it (default: ${DEFAULT-VALUE}).")
    int highWaterMark;

    BrokerConfig.Builder applyTo(BrokerConfig.Builder builder) {
        return builder.maxServices(Flags.positive(maxServices, "--max-services"))
                // The longest MDP command (a worker's REPLY) has five frames before its body.
                .maxFrames(Require.atLeast(maxFrames, 5, "--max-frames"))
                .highWaterMark(Flags.positive(highWaterMark, "--hwm"));
    }
}
