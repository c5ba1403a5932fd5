package io.zreliable.broker;

import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MdpDialect;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where and how patiently a Majordomo client asks: shared by {@code client} and {@code mmi}. */
final class MdpClientOptions {
    @Option(names = "--connect", paramLabel = "ENDPOINT", defaultValue = "tcp://127.0.0.1:5555",
            description = "Broker endpoint; repeat for failover, tried in turn (default: ${DEFAULT-VALUE}).")
    List<String> endpoints;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "2500",
            description = "How long each attempt waits for its reply (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Attempts per request before giving up (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Mixin
    MdpVersionOption version = new MdpVersionOption();

    @Mixin
    CurveClientOptions curve = new CurveClientOptions();

    MdpDialect dialect() {
        return version.dialect();
    }

    /** The retry policy; checks every flag of these options first, so call it before connecting. */
    RetryPolicy retryPolicy() {
        Flags.connectEndpoints(endpoints, "--connect");
        return RetryPolicy.builder().timeoutMillis(Flags.positive(timeoutMillis, "--timeout-ms"))
                .attempts(Flags.positive(attempts, "--retries")).build();
    }
}
