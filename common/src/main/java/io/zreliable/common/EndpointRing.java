package io.zreliable.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.zeromq.ZMQ;

/**
 * The servers a client or worker may talk to, tried in turn: it starts at the first and {@link #advance() moves on}
 * after a failure, wrapping around. Every endpoint is validated on construction. Not thread-safe.
 */
public final class EndpointRing {
    private final List<String> endpoints;
    private final LinkedHashSet<String> tried = new LinkedHashSet<>();
    private int current;

    public EndpointRing(List<String> endpoints) {
        Require.notNull(endpoints, "endpoints");
        Require.that(!endpoints.isEmpty(), "at least one endpoint is required");
        List<String> checked = new ArrayList<>(endpoints.size());
        for (String endpoint : endpoints) {
            checked.add(Endpoints.require(endpoint, "endpoint"));
        }
        this.endpoints = List.copyOf(checked);
        tried.add(this.endpoints.get(0));
    }

    public static EndpointRing of(String... endpoints) {
        return new EndpointRing(List.of(endpoints));
    }

    /** The endpoint to use now. */
    public String current() {
        return endpoints.get(current);
    }

    /** Moves to the next endpoint (wrapping around) and returns it. */
    public String advance() {
        current = (current + 1) % endpoints.size();
        tried.add(endpoints.get(current));
        return endpoints.get(current);
    }

    public int size() {
        return endpoints.size();
    }

    public List<String> all() {
        return endpoints;
    }

    /**
     * Connects a socket to the current endpoint or, when that fails (say its host does not resolve), to the next
     * ones in turn, moving the ring along. {@code newSocket} makes a fresh socket, {@code discard} destroys one that
     * could not connect.
     *
     * @throws EndpointException when no endpoint can be connected; the message names each one and why
     */
    public ZMQ.Socket connect(Supplier<ZMQ.Socket> newSocket, Consumer<ZMQ.Socket> discard) {
        List<String> reasons = new ArrayList<>();
        EndpointException last = null;
        for (int i = 0; i < endpoints.size(); i++) {
            if (i > 0) {
                advance();
            }
            ZMQ.Socket socket = newSocket.get();
            try {
                Endpoints.connect(socket, current());
                return socket;
            } catch (EndpointException e) {
                discard.accept(socket);
                reasons.add(e.getMessage());
                last = e;
            }
        }
        advance(); // back where we started
        throw reasons.size() == 1 ? last : new EndpointException("no endpoint can be connected: "
                + String.join("; ", reasons), current(), last.reason(), last);
    }

    /** Endpoints used since the last {@link #clearTried()}, in first-use order (for error messages). */
    public List<String> tried() {
        return List.copyOf(tried);
    }

    /** Starts a fresh record of tried endpoints, e.g. for a new request; the current one counts as tried. */
    public void clearTried() {
        tried.clear();
        tried.add(current());
    }
}
