package io.zreliable.broker;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Require;
import picocli.CommandLine.Option;

/**
 * Reconnect back-off of a long-running command that connects (worker, ppworker): the first wait and the longest,
 * doubling in between while the server stays away.
 */
final class ReconnectOptions {
    /** The first wait when --reconnect-ms is not given. */
    static final long DEFAULT_INITIAL_MS = 1000;

    /** No default value in the annotation: picocli would apply it over the older spelling's value. */
    @Option(names = "--reconnect-ms", paramLabel = "MS",
            description = "First wait before reconnecting to a server that is gone or cannot be reached; doubles "
                    + "up to --reconnect-max-ms (default: " + DEFAULT_INITIAL_MS + ").")
    long initialMillis = DEFAULT_INITIAL_MS;

    /** The name this setting had in ppworker; still accepted, not shown. */
    @Option(names = "--reconnect-initial-ms", paramLabel = "MS", hidden = true)
    void legacyInitial(long millis) {
        this.initialMillis = millis;
    }

    /** Unless --reconnect-max-ms says otherwise, the wait doubles up to this many times the first one. */
    static final int DEFAULT_MAX_FACTOR = 32;

    @Option(names = "--reconnect-max-ms", paramLabel = "MS",
            description = "Longest wait between reconnects (default: " + DEFAULT_MAX_FACTOR + " x --reconnect-ms).")
    Long maxMillis;

    BackoffConfig toConfig() {
        Flags.positive(initialMillis, "--reconnect-ms");
        long max = maxMillis == null ? initialMillis * DEFAULT_MAX_FACTOR : Flags.positive(maxMillis,
                "--reconnect-max-ms");
        Require.that(max >= initialMillis, "--reconnect-max-ms must be >= --reconnect-ms (" + initialMillis
                + "), was " + max);
        return BackoffConfig.builder().initialMillis(initialMillis).maxMillis(max).build();
    }
}
