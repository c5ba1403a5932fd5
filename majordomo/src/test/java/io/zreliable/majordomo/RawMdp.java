package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * MDP frames written out by hand from 7/MDP, 18/MDP and majortomo's sources, as other implementations put them on
 * the wire. Deliberately independent of {@link MdpCodec}: tests send these and compare what the broker sends back
 * with them, so a codec bug cannot hide behind itself.
 */
final class RawMdp {
    private static final String EMPTY = "";

    private RawMdp() {
    }

    /** Every (client dialect, worker dialect) pair, for parameterized tests. */
    static Stream<Arguments> dialectPairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (MdpDialect client : MdpDialect.values()) {
            for (MdpDialect worker : MdpDialect.values()) {
                pairs.add(Arguments.of(client, worker));
            }
        }
        return pairs.stream();
    }

    static List<String> clientRequest(MdpDialect dialect, String service, String... body) {
        return switch (dialect) {
            case MDP_0_1 -> frames(body, EMPTY, "MDPC01", service);
            case MDP_0_2 -> frames(body, "MDPC02", "\u0001", service);
            case MDP_0_2_MAJORTOMO -> frames(body, EMPTY, "MDPC02", "\u0002", service);
        };
    }

    /** A PARTIAL from the broker; MDP/0.1 has none. */
    static List<String> clientPartial(MdpDialect dialect, String service, String... body) {
        return switch (dialect) {
            case MDP_0_1 -> throw new IllegalArgumentException("MDP/0.1 has no PARTIAL");
            case MDP_0_2 -> frames(body, "MDPC02", "\u0002", service);
            case MDP_0_2_MAJORTOMO -> frames(body, EMPTY, "MDPC02", "\u0003");
        };
    }

    /** A FINAL from the broker (MDP/0.1: the reply). */
    static List<String> clientFinal(MdpDialect dialect, String service, String... body) {
        return switch (dialect) {
            case MDP_0_1 -> frames(body, EMPTY, "MDPC01", service);
            case MDP_0_2 -> frames(body, "MDPC02", "\u0003", service);
            case MDP_0_2_MAJORTOMO -> frames(body, EMPTY, "MDPC02", "\u0004");
        };
    }

    static List<String> ready(MdpDialect dialect, String service) {
        return worker(dialect, 1, service);
    }

    static List<String> request(MdpDialect dialect, String client, String... body) {
        return addressed(dialect, 2, client, body);
    }

    static List<String> partial(MdpDialect dialect, String client, String... body) {
        if (dialect == MdpDialect.MDP_0_1) {
            throw new IllegalArgumentException("MDP/0.1 has no PARTIAL");
        }
        return addressed(dialect, 3, client, body);
    }

    /** FINAL, or REPLY in MDP/0.1. */
    static List<String> finalReply(MdpDialect dialect, String client, String... body) {
        return addressed(dialect, dialect == MdpDialect.MDP_0_1 ? 3 : 4, client, body);
    }

    static List<String> heartbeat(MdpDialect dialect) {
        return worker(dialect, dialect == MdpDialect.MDP_0_1 ? 4 : 5);
    }

    static List<String> disconnect(MdpDialect dialect) {
        return worker(dialect, dialect == MdpDialect.MDP_0_1 ? 5 : 6);
    }

    /** A worker command with any command byte, for unknown or misplaced ones. */
    static List<String> worker(MdpDialect dialect, int command, String... rest) {
        String code = String.valueOf((char) command);
        return switch (dialect) {
            case MDP_0_1 -> frames(rest, EMPTY, "MDPW01", code);
            case MDP_0_2 -> frames(rest, "MDPW02", code);
            case MDP_0_2_MAJORTOMO -> frames(rest, EMPTY, "MDPW02", code);
        };
    }

    private static List<String> addressed(MdpDialect dialect, int command, String client, String... body) {
        List<String> rest = new ArrayList<>(List.of(client, EMPTY));
        rest.addAll(List.of(body));
        return worker(dialect, command, rest.toArray(new String[0]));
    }

    private static List<String> frames(String[] tail, String... head) {
        List<String> frames = new ArrayList<>(List.of(head));
        frames.addAll(List.of(tail));
        return frames;
    }

    /** The frames as a message (every frame ISO-8859-1, so a command char is its one byte). */
    static ZMsg message(List<String> frames) {
        ZMsg msg = new ZMsg();
        frames.forEach(frame -> msg.add(frame.getBytes(StandardCharsets.ISO_8859_1)));
        return msg;
    }

    /** A message's frames as strings, the inverse of {@link #message} (the message is left as it was). */
    static List<String> strings(ZMsg msg) {
        List<String> frames = new ArrayList<>();
        for (ZFrame frame : msg) {
            frames.add(new String(frame.getData(), StandardCharsets.ISO_8859_1));
        }
        return frames;
    }

    /** A frame list printed for an assertion message. */
    static String describe(List<String> frames) {
        List<String> shown = new ArrayList<>();
        frames.forEach(frame -> shown.add(Frames.printable(frame.getBytes(StandardCharsets.ISO_8859_1))));
        return shown.toString();
    }
}
