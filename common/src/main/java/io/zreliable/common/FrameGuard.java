package io.zreliable.common;

import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import zmq.Msg;
import zmq.msg.MsgAllocator;

/**
 * Refuses impossible frame sizes before JeroMQ allocates them, for the sockets of one component.
 *
 * <p>JeroMQ 0.6.0's ZMTP decoder checks a frame's declared size against {@code ZMQ_MAXMSGSIZE} as a signed long, so
 * a size with the top bit set ({@code 0xFFFFFFFFFFFFFFFF}, CVE-2019-6250) passes, and is then cast to an int for the
 * allocation: {@code -1} throws in the I/O thread and leaves the socket deaf, {@code 0x8000000010000000} allocates
 * 256 MiB. The decoder asks the socket's message allocator for the buffer, so this guard, installed as that
 * allocator, sees every declared size first: a negative one, or one above the socket's limit, gets an empty message
 * instead of a buffer. The decoder then completes an empty frame and reads on. During the ZMTP handshake the
 * security mechanism (NULL or CURVE) takes the empty frame for a bad command and the engine closes the connection;
 * on a CURVE connection after the handshake the empty frame fails decryption, with the same result; on a plain
 * connection after the handshake the application receives an empty frame, which its strict parser counts as
 * malformed. Each refusal is counted ({@link #refused()}) and logged at WARN, rate-limited. JeroMQ does not tell an
 * allocator which connection asks, so the log names the component and socket, not the peer.
 *
 * <p>Thread contract: the allocators run on the context's I/O threads; the counter is readable from any thread.
 */
public final class FrameGuard {
    private static final Logger LOG = LoggerFactory.getLogger(FrameGuard.class);

    private final String component;
    private final LongAdder refused = new LongAdder();
    private final RateLimitedLog warnings;

    public FrameGuard(String component) {
        this(component, new RateLimitedLog(LOG));
    }

    FrameGuard(String component, RateLimitedLog warnings) {
        this.component = Require.notNull(component, "component name");
        this.warnings = Require.notNull(warnings, "rate-limited log");
    }

    /**
     * Makes {@code socket} refuse frames over {@code maxFrameBytes}: JeroMQ's own check ({@code ZMQ_MAXMSGSIZE},
     * which drops the connection) for sizes it reads right, and this guard for the ones it reads wrong.
     */
    public void apply(ZMQ.Socket socket, long maxFrameBytes, String socketName) {
        Require.notNull(socket, "socket");
        Require.that(maxFrameBytes > 0 && maxFrameBytes <= Integer.MAX_VALUE,
                "max frame bytes must be in 1.." + Integer.MAX_VALUE + ", was " + maxFrameBytes);
        socket.setMaxMsgSize(maxFrameBytes);
        socket.setMsgAllocator(allocator(maxFrameBytes, socketName));
    }

    /** Frames refused so far by every socket of this component. */
    public long refused() {
        return refused.sum();
    }

    public String component() {
        return component;
    }

    MsgAllocator allocator(long maxFrameBytes, String socketName) {
        return size -> {
            if (size >= 0 && size <= maxFrameBytes) {
                return new Msg(size);
            }
            refused.increment();
            warnings.warn("{} {}: refused a frame of size {} as JeroMQ reads it (negative or over the {}-byte limit): "
                    + "a hostile or broken peer; {} refused so far", component, socketName, size, maxFrameBytes,
                    refused.sum());
            return new Msg();
        };
    }

    @Override
    public String toString() {
        return "FrameGuard[" + component + ", refused=" + refused() + "]";
    }
}
