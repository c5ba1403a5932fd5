package io.zreliable.common;

import java.net.UnknownHostException;
import java.util.regex.Pattern;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The one place where endpoint strings are checked and handed to ZeroMQ. {@link #require} rejects a malformed
 * endpoint before it reaches bind or connect, naming the flag or setting it came from; {@link #connect} and
 * {@link #bind} turn JeroMQ's failures (a host that does not resolve, an address in use) into an
 * {@link EndpointException} whose one-line message names the endpoint and the reason.
 */
public final class Endpoints {
    private static final Pattern TCP = Pattern.compile("tcp://(\\*|\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\*|[0-9]{1,5})");
    private static final Pattern NAMED = Pattern.compile("(ipc|inproc)://.+");
    private static final String INPROC = "inproc://";

    private Endpoints() {
    }

    /**
     * Returns {@code endpoint} if it is a well-formed tcp, ipc or inproc endpoint; otherwise fails with an
     * {@link IllegalArgumentException} whose message starts with {@code name} (the flag or setting, e.g.
     * {@code --connect}).
     */
    public static String require(String endpoint, String name) {
        Require.notNull(endpoint, name);
        if (NAMED.matcher(endpoint).matches()) {
            return endpoint;
        }
        if (TCP.matcher(endpoint).matches()) {
            String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
            if (!"*".equals(port) && (Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0)) {
                throw new IllegalArgumentException(name + " has port " + port + " out of range 1..65535: " + endpoint);
            }
            return endpoint;
        }
        throw new IllegalArgumentException(name + " is not a ZeroMQ endpoint (expected tcp://HOST:PORT, ipc://PATH or "
                + "inproc://NAME): " + endpoint);
    }

    /**
     * As {@link #require}, and refuses {@code inproc://}: for a server other processes must reach (an inproc
     * endpoint exists only inside this process).
     */
    public static String requireReachable(String endpoint, String name) {
        require(endpoint, name);
        Require.that(!endpoint.startsWith(INPROC), name + " " + endpoint + " is reachable only from inside this "
                + "process; use tcp://HOST:PORT or ipc://PATH");
        return endpoint;
    }

    /**
     * Connects {@code socket} to {@code endpoint}.
     *
     * @throws EndpointException when ZeroMQ refuses (say the host does not resolve; JeroMQ resolves it here)
     */
    public static void connect(ZMQ.Socket socket, String endpoint) {
        boolean connected;
        try {
            connected = socket.connect(endpoint);
        } catch (ZMQException | IllegalArgumentException e) {
            throw failure("cannot connect to", endpoint, e);
        }
        if (!connected) {
            throw failure("cannot connect to", endpoint, socket.errno());
        }
    }

    /**
     * Binds {@code socket} to {@code endpoint} and returns the endpoint as bound (a {@code *} port resolved).
     *
     * @param what what the endpoint is for, e.g. "frontend", for the message
     * @throws EndpointException when the address is in use, the host does not resolve, or ZeroMQ refuses otherwise
     */
    public static String bind(ZMQ.Socket socket, String endpoint, String what) {
        boolean bound;
        String action = "cannot bind " + what;
        try {
            bound = socket.bind(endpoint);
        } catch (ZMQException | IllegalArgumentException e) {
            throw failure(action, endpoint, e);
        }
        if (!bound) {
            throw failure(action, endpoint, socket.errno());
        }
        return socket.getLastEndpoint();
    }

    private static EndpointException failure(String action, String endpoint, RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return new EndpointException(action + " " + endpoint + ": host '" + host(endpoint)
                        + "' does not resolve", endpoint, EndpointException.Reason.UNRESOLVED_HOST, e);
            }
        }
        if (e instanceof ZMQException z) {
            return failure(action, endpoint, z.getErrorCode(), e);
        }
        return new EndpointException(action + " " + endpoint + ": " + e.getMessage(), endpoint,
                EndpointException.Reason.OTHER, e);
    }

    private static EndpointException failure(String action, String endpoint, int errno) {
        return failure(action, endpoint, errno, null);
    }

    private static EndpointException failure(String action, String endpoint, int errno, Throwable cause) {
        EndpointException.Reason reason = errno == ZMQ.Error.EADDRINUSE.getCode()
                ? EndpointException.Reason.ADDRESS_IN_USE : EndpointException.Reason.OTHER;
        return new EndpointException(action + " " + endpoint + ": " + describe(errno), endpoint, reason, cause);
    }

    /** A ZeroMQ error code as words, e.g. "address already in use (EADDRINUSE)". */
    public static String describe(int errno) {
        ZMQ.Error error = ZMQ.Error.findByCode(errno);
        if (error == null) {
            return "error " + errno;
        }
        String words = error.getMessage() == null ? error.name() : error.getMessage();
        return words.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + words.substring(1) + " (" + error.name()
                + ")";
    }

    /** The host part of a tcp endpoint, for messages. */
    private static String host(String endpoint) {
        String rest = endpoint.substring(endpoint.indexOf("://") + 3);
        int colon = rest.lastIndexOf(':');
        return colon < 0 ? rest : rest.substring(0, colon);
    }
}
