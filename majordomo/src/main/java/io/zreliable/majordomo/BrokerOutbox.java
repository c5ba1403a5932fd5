package io.zreliable.majordomo;

import org.zeromq.ZMsg;

/**
 * Where {@link BrokerEngine} puts what it sends: each message starts with the peer's routing id. The broker hands
 * its ROUTER socket; the engine's unit tests hand a list, so routing rules are tested without sockets.
 */
@FunctionalInterface
interface BrokerOutbox {
    /** Sends {@code msg} without blocking; says whether it was queued, and if not, why. */
    Delivery send(ZMsg msg);

    /** What became of a message handed to {@link #send}. */
    enum Delivery {
        /** Queued for the peer. */
        SENT,
        /** Not sent: the peer's outbound queue is at the high-water mark (it does not read). */
        PEER_FULL,
        /** Not sent: no peer with that routing id is connected (it left). */
        PEER_GONE
    }
}
