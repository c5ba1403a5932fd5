package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import io.zreliable.common.Require;
import java.util.Arrays;
import org.zeromq.ZMsg;

/**
 * The one Majordomo codec of the toolkit: reads and writes every {@link MdpCommand} in every {@link MdpDialect}, and
 * holds the one service-name rule. Broker, worker, clients, the HA gate, the benchmarks and the tests all frame MDP
 * through here. Decoding consumes the message's frames and never copies a body; a message that breaks its dialect
 * fails with a {@link MalformedMessageException} whose reason is short and stable enough to count by.
 *
 * <p>Stateless and thread-safe.
 */
public final class MdpCodec {
    /** Which side of the broker a message belongs to. */
    public enum Role { CLIENT, WORKER }

    /** Which way a message travels: the client commands are told apart by it (REQUEST goes in, replies come out). */
    public enum Direction { TO_BROKER, FROM_BROKER }

    /** The dialect and side a message's first frames announce. */
    public record Header(MdpDialect dialect, Role role) {
    }

    /** A decoded message: its dialect and its command. */
    public record Decoded(MdpDialect dialect, MdpCommand command) {
    }

    /**
     * Longest service name accepted (MDP sets no limit; a bound keeps hostile input cheap): ZeroMQ's own socket
     * identities stop at 255 bytes, a sensible bound here too.
     */
    public static final int MAX_SERVICE_NAME = 255;
    /** Longest client address a worker may hand back (ROUTER identities are at most 255 bytes). */
    public static final int MAX_ADDRESS = 255;

    private static final byte[] EMPTY = new byte[0];

    private MdpCodec() {
    }

    /** Decodes a whole message (routing id already taken off, if any). */
    public static Decoded decode(ZMsg msg, Direction direction) throws MalformedMessageException {
        MessageReader in = MessageReader.of(msg);
        Header header = readHeader(in);
        return new Decoded(header.dialect(), readCommand(header, in, direction));
    }

    /**
     * Reads the header frames and tells the dialect: an empty frame then {@code MDPC01}/{@code MDPW01} is 7/MDP, an
     * empty frame then {@code MDPC02}/{@code MDPW02} is majortomo's 0.2, a bare {@code MDPC02}/{@code MDPW02} is
     * 18/MDP as written.
     */
    public static Header readHeader(MessageReader in) throws MalformedMessageException {
        byte[] first = in.next("protocol header").getData();
        if (first.length != 0) {
            for (Role role : Role.values()) {
                if (Arrays.equals(first, header(MdpDialect.MDP_0_2, role))) {
                    return new Header(MdpDialect.MDP_0_2, role);
                }
            }
            throw new MalformedMessageException("missing delimiter",
                    "first frame is neither empty nor an MDP/0.2 header: " + Frames.printable(first));
        }
        byte[] header = in.next("protocol header").getData();
        for (MdpDialect dialect : new MdpDialect[] {MdpDialect.MDP_0_1, MdpDialect.MDP_0_2_MAJORTOMO}) {
            for (Role role : Role.values()) {
                if (Arrays.equals(header, header(dialect, role))) {
                    return new Header(dialect, role);
                }
            }
        }
        throw new MalformedMessageException("unknown header", Frames.printable(header));
    }

    /** Reads the command after {@link #readHeader}; worker commands decode the same way in both directions. */
    public static MdpCommand readCommand(Header header, MessageReader in, Direction direction)
            throws MalformedMessageException {
        return header.role() == Role.WORKER
                ? readWorkerCommand(header.dialect(), in)
                : readClientCommand(header.dialect(), in, direction);
    }

    private static MdpCommand readWorkerCommand(MdpDialect dialect, MessageReader in)
            throws MalformedMessageException {
        byte code = in.nextByte("worker command");
        int command = dialect.workerCommand(code);
        switch (command) {
            case MdpDialect.READY -> {
                String service = serviceName(in);
                in.expectEnd("READY");
                return new MdpCommand.Ready(service);
            }
            case MdpDialect.REQUEST, MdpDialect.PARTIAL, MdpDialect.FINAL -> {
                byte[] client = in.nextBytes("client address", MAX_ADDRESS);
                in.expectEmpty("client address delimiter");
                in.expectMore("body");
                ZMsg body = in.rest();
                return switch (command) {
                    case MdpDialect.REQUEST -> new MdpCommand.Request(client, body);
                    case MdpDialect.PARTIAL -> new MdpCommand.Partial(client, body);
                    default -> new MdpCommand.Final(client, body);
                };
            }
            case MdpDialect.HEARTBEAT -> {
                in.expectEnd("HEARTBEAT");
                return new MdpCommand.Heartbeat();
            }
            case MdpDialect.DISCONNECT -> {
                return new MdpCommand.Disconnect(); // a peer that leaves may say more; nothing to check
            }
            default -> throw new MalformedMessageException("unknown command",
                    dialect.commandName(code) + " in " + dialect);
        }
    }

    private static MdpCommand readClientCommand(MdpDialect dialect, MessageReader in, Direction direction)
            throws MalformedMessageException {
        int command;
        if (dialect.streams()) {
            byte code = in.nextByte("client command");
            command = dialect.clientCommand(code);
            if (command < 0) {
                throw new MalformedMessageException("unknown command",
                        String.format("client command 0x%02X in %s", code & 0xFF, dialect));
            }
        } else {
            command = direction == Direction.TO_BROKER ? MdpDialect.CLIENT_REQUEST : MdpDialect.CLIENT_FINAL;
        }
        boolean request = command == MdpDialect.CLIENT_REQUEST;
        if (request != (direction == Direction.TO_BROKER)) {
            throw new MalformedMessageException("misplaced command", (request ? "REQUEST" : "a reply")
                    + (direction == Direction.TO_BROKER ? " sent to" : " sent by") + " the broker");
        }
        String service = request || dialect.repliesNameService ? serviceName(in) : null;
        in.expectMore(request ? "request body" : "reply body");
        ZMsg body = in.rest();
        return switch (command) {
            case MdpDialect.CLIENT_REQUEST -> new MdpCommand.ClientRequest(service, body);
            case MdpDialect.CLIENT_PARTIAL -> new MdpCommand.ClientPartial(service, body);
            default -> new MdpCommand.ClientFinal(service, body);
        };
    }

    private static String serviceName(MessageReader in) throws MalformedMessageException {
        byte[] name = in.nextBytes("service name", MAX_SERVICE_NAME);
        if (!isServiceName(name)) {
            throw new MalformedMessageException("bad service name", Frames.printable(name));
        }
        return Frames.text(name);
    }

    /**
     * Frames {@code command} in {@code dialect}, without a routing id (a ROUTER pushes one in front). Bodies are
     * added, not copied.
     *
     * @throws IllegalArgumentException for a command the dialect cannot carry (a PARTIAL in MDP/0.1)
     */
    public static ZMsg encode(MdpDialect dialect, MdpCommand command) {
        if (command instanceof MdpCommand.ClientRequest request) {
            return client(dialect, MdpDialect.CLIENT_REQUEST, request.service(), request.body());
        }
        if (command instanceof MdpCommand.ClientPartial partial) {
            Require.that(dialect.streams(), dialect + " has no partial replies");
            return client(dialect, MdpDialect.CLIENT_PARTIAL, partial.service(), partial.body());
        }
        if (command instanceof MdpCommand.ClientFinal reply) {
            return client(dialect, MdpDialect.CLIENT_FINAL, reply.service(), reply.body());
        }
        ZMsg msg = envelope(dialect, Role.WORKER);
        if (command instanceof MdpCommand.Ready ready) {
            msg.add(dialect.workerFrame(MdpDialect.READY));
            msg.add(Frames.utf8(checkServiceName(ready.service())));
        } else if (command instanceof MdpCommand.Request request) {
            addAddressed(msg, dialect.workerFrame(MdpDialect.REQUEST), request.client(), request.body());
        } else if (command instanceof MdpCommand.Partial partial) {
            addAddressed(msg, dialect.workerFrame(MdpDialect.PARTIAL), partial.client(), partial.body());
        } else if (command instanceof MdpCommand.Final reply) {
            addAddressed(msg, dialect.workerFrame(MdpDialect.FINAL), reply.client(), reply.body());
        } else if (command instanceof MdpCommand.Heartbeat) {
            msg.add(dialect.workerFrame(MdpDialect.HEARTBEAT));
        } else {
            msg.add(dialect.workerFrame(MdpDialect.DISCONNECT));
        }
        return msg;
    }

    private static ZMsg client(MdpDialect dialect, int command, String service, ZMsg body) {
        ZMsg msg = envelope(dialect, Role.CLIENT);
        if (dialect.streams()) {
            msg.add(dialect.clientFrame(command));
        }
        if (command == MdpDialect.CLIENT_REQUEST || dialect.repliesNameService) {
            msg.add(Frames.utf8(Require.notNull(service, "service")));
        }
        msg.addAll(body);
        return msg;
    }

    private static void addAddressed(ZMsg msg, byte[] command, byte[] client, ZMsg body) {
        msg.add(command);
        msg.add(client);
        msg.add(EMPTY);
        msg.addAll(body);
    }

    /**
     * A new message holding only the dialect's leading frames for {@code role} (an empty frame where the dialect has
     * one, then the header): for writers that must put raw, possibly broken, frames after it (tests, fuzzers).
     */
    public static ZMsg envelope(MdpDialect dialect, Role role) {
        ZMsg msg = new ZMsg();
        if (dialect.delimited) {
            msg.add(EMPTY);
        }
        msg.add(header(dialect, role));
        return msg;
    }

    private static byte[] header(MdpDialect dialect, Role role) {
        return role == Role.CLIENT ? dialect.clientHeader : dialect.workerHeader;
    }

    /**
     * True for a usable service name: 1 to {@value #MAX_SERVICE_NAME} bytes of UTF-8 with no control characters
     * (MDP says "printable string"). The one rule every part of the toolkit applies.
     */
    public static boolean isServiceName(byte[] name) {
        if (name.length == 0 || name.length > MAX_SERVICE_NAME) {
            return false;
        }
        for (byte b : name) {
            if ((b >= 0 && b < 0x20) || b == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code service} if it is a usable service name, else throws {@link IllegalArgumentException}. */
    public static String checkServiceName(String service) {
        Require.notNull(service, "service name");
        Require.that(isServiceName(Frames.utf8(service)), "not a valid service name (1 to " + MAX_SERVICE_NAME
                + " UTF-8 bytes, no control characters): " + Frames.printable(Frames.utf8(service)));
        return service;
    }
}
