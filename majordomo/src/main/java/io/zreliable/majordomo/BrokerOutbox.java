package io.zreliable.majordomo;

import org.zeromq.ZMsg;

/**
 * Where {@link BrokerEngine} puts what it sends: each message starts with the peer's routing id. The broker hands
 * its ROUTER socket; the engine's unit tests hand a list, so routing rules are tested without sockets.
 */
@FunctionalInterface
interface BrokerOutbox {
    void send(ZMsg msg);
}
