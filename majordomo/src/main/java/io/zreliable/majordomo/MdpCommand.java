package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import org.zeromq.ZMsg;

/**
 * One Majordomo command, the same in every {@link MdpDialect}: {@link MdpCodec} turns wire frames of any dialect
 * into these records and back. Bodies are the message's own frames, not copies: whoever holds the record owns them.
 */
public sealed interface MdpCommand {

    /** Worker to broker: the worker offers {@code service}. */
    record Ready(String service) implements MdpCommand {
    }

    /** Broker to worker: a client's request; {@code client} is the address to hand back with the reply. */
    record Request(byte[] client, ZMsg body) implements MdpCommand {
    }

    /** Worker to broker: one part of the reply to {@code client}, more to come (MDP/0.2 only). */
    record Partial(byte[] client, ZMsg body) implements MdpCommand {
    }

    /** Worker to broker: the last (in MDP/0.1 the only) part of the reply to {@code client}; 0.1 calls it REPLY. */
    record Final(byte[] client, ZMsg body) implements MdpCommand {
    }

    /** Either way between worker and broker: still alive. */
    record Heartbeat() implements MdpCommand {
    }

    /** Either way between worker and broker: the sender forgets the other. */
    record Disconnect() implements MdpCommand {
    }

    /** Client to broker: a request for {@code service}. */
    record ClientRequest(String service, ZMsg body) implements MdpCommand {
    }

    /** Broker to client: one part of a streamed reply; {@code service} is null where the dialect sends none. */
    record ClientPartial(String service, ZMsg body) implements MdpCommand {
    }

    /** Broker to client: the last (in MDP/0.1 the only) part of a reply; {@code service} as in ClientPartial. */
    record ClientFinal(String service, ZMsg body) implements MdpCommand {
    }

    /** A short description for logs: the record's name, with the service or client address when it has one. */
    static String describe(MdpCommand command) {
        String name = command.getClass().getSimpleName();
        if (command instanceof Ready ready) {
            return name + " " + ready.service();
        }
        if (command instanceof Request request) {
            return name + " for " + Frames.printable(request.client());
        }
        return name;
    }
}
