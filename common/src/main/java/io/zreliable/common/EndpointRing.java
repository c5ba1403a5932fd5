package io.zreliable.common;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

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
