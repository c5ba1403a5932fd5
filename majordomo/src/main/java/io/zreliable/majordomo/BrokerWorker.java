package io.zreliable.majordomo;

/** The broker's view of one registered worker. Owned by the broker's reactor thread. */
final class BrokerWorker {
    final RoutingId id;
    final Service service;
    /** True from the REQUEST we sent until its REPLY: a busy worker is not in its service's idle set. */
    boolean busy;
    long lastSeenNanos;
    long lastSentNanos;

    BrokerWorker(RoutingId id, Service service) {
        this.id = id;
        this.service = service;
    }
}
