package io.zreliable.majordomo;

/** The broker's view of one registered worker. Owned by the broker's reactor thread. */
final class BrokerWorker {
    final RoutingId id;
    final Service service;
    /** The dialect the worker registered in: everything the broker sends it is framed so. */
    final MdpDialect dialect;
    /** True from the REQUEST we sent until its FINAL (REPLY): a busy worker is not in its service's idle set. */
    boolean busy;
    /** The dialect of the client whose request the worker holds (while busy). */
    MdpDialect clientDialect;
    /** PARTIAL bodies gathered for an MDP/0.1 client, which takes one reply only; null when nothing is gathered. */
    ReplyGatherer gathered;
    long lastSeenNanos;
    long lastSentNanos;

    BrokerWorker(RoutingId id, Service service, MdpDialect dialect) {
        this.id = id;
        this.service = service;
        this.dialect = dialect;
    }
}
