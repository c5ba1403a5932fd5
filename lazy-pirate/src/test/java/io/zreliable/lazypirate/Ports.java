package io.zreliable.lazypirate;

import io.zreliable.common.LoopbackPorts;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/** Loopback ports for tests that must bind the same port again after a restart, or connect where nobody listens. */
final class Ports {
    private Ports() {
    }

    /** A port free right now on 127.0.0.1. */
    static int free() {
        return LoopbackPorts.free();
    }

    static String endpoint(int port) {
        return LoopbackPorts.endpoint(port);
    }

    /** Binds {@code socket}, retrying while a just-closed socket still holds the port (JeroMQ closes async). */
    static void bindRetrying(ZMQ.Socket socket, String endpoint) {
        retrying(() -> socket.bind(endpoint));
    }

    /**
     * Runs {@code attempt} until it stops throwing, e.g. a bind to a port that a just-closed socket still holds
     * (JeroMQ closes asynchronously); rethrows the last failure after the test deadline.
     */
    static <T> T retrying(Supplier<T> attempt) {
        long end = System.nanoTime() + Await.DEADLINE.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (ZMQException e) {
                if (System.nanoTime() - end > 0) {
                    throw e;
                }
                // Poll again shortly: the port frees once the old listener is reaped.
                LockSupport.parkNanos(20_000_000L);
            }
        }
    }
}
