package io.zreliable.common;

import java.nio.charset.StandardCharsets;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * Helpers over {@link ZMsg} and {@link ZFrame}: building messages, and the ROUTER envelope (routing id followed by
 * an empty delimiter frame) that every request-reply pattern of the Guide carries.
 */
public final class Frames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Longest rendering {@link #printable} produces, so a huge frame cannot flood the log. */
    private static final int PRINT_LIMIT = 64;

    private Frames() {
    }

    /** A message of the given frames, in order. */
    public static ZMsg message(byte[]... frames) {
        ZMsg msg = new ZMsg();
        for (byte[] frame : frames) {
            msg.add(frame);
        }
        return msg;
    }

    /** A message of the given UTF-8 frames, in order. */
    public static ZMsg message(String... frames) {
        ZMsg msg = new ZMsg();
        for (String frame : frames) {
            msg.add(frame.getBytes(StandardCharsets.UTF_8));
        }
        return msg;
    }

    /** Puts a ROUTER envelope in front of {@code msg}: {@code routingId}, then an empty delimiter. */
    public static ZMsg wrap(ZMsg msg, byte[] routingId) {
        msg.push(new byte[0]);
        msg.push(routingId);
        return msg;
    }

    /**
     * Takes a ROUTER envelope off the front of the reader's message: the routing id, then a mandatory empty
     * delimiter. Returns the routing id.
     */
    public static byte[] unwrap(MessageReader reader) throws MalformedMessageException {
        byte[] routingId = reader.next("routing id").getData();
        reader.expectEmpty("envelope delimiter");
        return routingId;
    }

    /** True for the empty frame that ends an envelope. */
    public static boolean isDelimiter(ZFrame frame) {
        return frame != null && frame.size() == 0;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Total payload bytes of all frames. */
    public static long byteSize(ZMsg msg) {
        long total = 0;
        for (ZFrame frame : msg) {
            total += frame.size();
        }
        return total;
    }

    /**
     * A frame for a log line: printable ASCII as text, anything else (routing ids, commands) as hex, cut at a bounded
     * length.
     */
    public static String printable(byte[] data) {
        if (data == null) {
            return "<null>";
        }
        boolean text = true;
        for (byte b : data) {
            if (b < 0x20 || b > 0x7e) {
                text = false;
                break;
            }
        }
        int shown = Math.min(data.length, text ? PRINT_LIMIT : PRINT_LIMIT / 2);
        StringBuilder out = new StringBuilder(shown * 2 + 16);
        if (text) {
            out.append('"').append(new String(data, 0, shown, StandardCharsets.US_ASCII)).append('"');
        } else {
            out.append("0x");
            for (int i = 0; i < shown; i++) {
                out.append(HEX[(data[i] >> 4) & 0xF]).append(HEX[data[i] & 0xF]);
            }
        }
        if (shown < data.length) {
            out.append("...(").append(data.length).append(" bytes)");
        }
        return out.toString();
    }
}
