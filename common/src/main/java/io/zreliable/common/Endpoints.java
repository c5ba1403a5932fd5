package io.zreliable.common;

import java.util.regex.Pattern;

/**
 * Checks ZeroMQ endpoint strings before they reach bind or connect, so that a typo in a flag reads as a clear
 * message rather than a JeroMQ exception.
 */
public final class Endpoints {
    private static final Pattern TCP = Pattern.compile("tcp://(\\*|\\[[0-9a-fA-F:.]+]|[A-Za-z0-9._-]+):(\\*|[0-9]{1,5})");
    private static final Pattern NAMED = Pattern.compile("(ipc|inproc)://.+");

    private Endpoints() {
    }

    /** Returns {@code endpoint} if it is a well-formed tcp, ipc or inproc endpoint; fails with a clear message. */
    public static String require(String endpoint, String name) {
        Require.notNull(endpoint, name);
        if (NAMED.matcher(endpoint).matches()) {
            return endpoint;
        }
        if (TCP.matcher(endpoint).matches()) {
            String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
            if (!"*".equals(port) && Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException(name + " has port " + port + " out of range: " + endpoint);
            }
            return endpoint;
        }
        throw new IllegalArgumentException(name + " is not a ZeroMQ endpoint (expected tcp://HOST:PORT, ipc://PATH or "
                + "inproc://NAME): " + endpoint);
    }
}
