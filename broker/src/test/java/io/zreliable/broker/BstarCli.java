package io.zreliable.broker;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A {@link CliRun} with its output at hand (used by the titanic command tests), and free loopback endpoints. */
final class BstarCli {
    private final CliRun run = new CliRun();
    final StringWriter out = run.out;
    final StringWriter err = run.err;

    int execute(String... args) {
        return run.execute(args);
    }

    /** A loopback endpoint on a port free right now. */
    static String freeEndpoint() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
