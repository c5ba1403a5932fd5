package io.zreliable.lazypirate;

import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * The wire constants of 6/PPP (Paranoid Pirate Protocol), in one place. Commands are 1-part messages of one byte;
 * a REQUEST or REPLY is an address stack ending in an empty frame, followed by 1 or more content frames.
 */
public final class PppProtocol {
    /** W: READY, the first message of every worker conversation (0x01). */
    public static final byte READY = 0x01;
    /** HEARTBEAT, sent both ways at the agreed interval (0x02). */
    public static final byte HEARTBEAT = 0x02;

    /** Deepest address stack accepted in front of a REQUEST's or REPLY's empty delimiter. */
    static final int MAX_ADDRESS_FRAMES = 16;

    private PppProtocol() {
    }

    /** A new 1-part command message ({@link #READY} or {@link #HEARTBEAT}). */
    public static ZMsg command(byte command) {
        ZMsg msg = new ZMsg();
        msg.add(new byte[] {command});
        return msg;
    }

    /** The command byte of a 1-byte frame, or -1 when the frame is not a 1-byte command. */
    static int commandOf(ZFrame frame) {
        return frame.size() == 1 ? frame.getData()[0] : -1;
    }

    /**
     * True for a routed REQUEST or REPLY: an address stack of 1 to {@value #MAX_ADDRESS_FRAMES} frames, the empty
     * delimiter, then 1 or more content frames.
     */
    static boolean isAddressed(ZMsg msg) {
        int index = 0;
        for (ZFrame frame : msg) {
            if (frame.size() == 0) {
                return index > 0 && index < msg.size() - 1;
            }
            if (++index > MAX_ADDRESS_FRAMES) {
                return false;
            }
        }
        return false;
    }

    static String commandName(int command) {
        switch (command) {
            case READY:
                return "READY";
            case HEARTBEAT:
                return "HEARTBEAT";
            default:
                return "unknown command " + command;
        }
    }
}
