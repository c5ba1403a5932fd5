package io.zreliable.broker;

import io.zreliable.common.Endpoints;
import io.zreliable.common.Require;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks of flag values that name the flag the user typed ({@code --max-queue must be > 0, was 0}), run before the
 * values reach the library's builders (whose messages name their settings). Each failure is an
 * {@link IllegalArgumentException}, which the command line reports as a usage error (exit 2).
 */
final class Flags {
    /** Longest service name, in UTF-8 bytes: MDP carries it in a one-byte-length frame. */
    static final int MAX_SERVICE_BYTES = 255;

    private Flags() {
    }

    /** Endpoints a command connects to: each well formed. */
    static List<String> connectEndpoints(List<String> endpoints, String flag) {
        endpoints.forEach(endpoint -> Endpoints.require(endpoint, flag));
        return endpoints;
    }

    /** An endpoint a server binds for other processes: well formed, and not inproc. */
    static String bindEndpoint(String endpoint, String flag) {
        return Endpoints.requireReachable(endpoint, flag);
    }

    /** A service name: 1 to 255 UTF-8 bytes, no control characters. */
    static String serviceName(String name, String flag) {
        Require.that(name != null && !name.isEmpty(), flag + " must name a service, was empty");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        Require.that(bytes <= MAX_SERVICE_BYTES, flag + " must be at most " + MAX_SERVICE_BYTES + " bytes, was "
                + bytes);
        Require.that(name.chars().noneMatch(Character::isISOControl), flag + " must not contain control characters");
        return name;
    }

    static long positive(long value, String flag) {
        return Require.positive(value, flag);
    }

    static int positive(int value, String flag) {
        return Require.positive(value, flag);
    }

    static long notNegative(long value, String flag) {
        Require.that(value >= 0, flag + " must be >= 0, was " + value);
        return value;
    }

    /** A directory flag: not empty (an empty value would silently mean the working directory). */
    static Path directory(Path path, String flag) {
        Require.that(path != null && !path.toString().isBlank(), flag + " must name a directory, was empty");
        return path;
    }

    /** Refuses {@code dependent} when the user gave it without {@code required} (which is off). */
    static void onlyWith(CommandSpec spec, boolean requiredGiven, String required, String... dependents) {
        if (requiredGiven) {
            return;
        }
        for (String dependent : dependents) {
            Require.that(!spec.commandLine().getParseResult().hasMatchedOption(dependent),
                    dependent + " applies only with " + required);
        }
    }
}
