package io.zreliable.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Loopback TCP ports for tests (shared through the common test jar): for endpoints that must be bound again after a
 * restart, or connected to where nobody listens. Tests that need no fixed port bind {@code tcp://127.0.0.1:*}.
 */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A port free on 127.0.0.1 right now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tcp://127.0.0.1:PORT} on a port free right now. */
    public static String freeEndpoint() {
        return endpoint(free());
    }

    public static String endpoint(int port) {
        return "tcp://127.0.0.1:" + port;
    }
}
