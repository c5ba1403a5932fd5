package io.zreliable.binarystar;

import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.time.Duration;
import org.zeromq.ZMsg;

/**
 * The Binary Star state exchange, as the Guide's bstar reactor (C and Python) puts it on the wire: each server
 * PUBlishes its current state every heartbeat to the peer's SUB socket, as one frame holding the state number in
 * decimal ASCII ({@code "1"} primary, {@code "2"} backup, {@code "3"} active, {@code "4"} passive). A server that
 * hears nothing for {@value #PEER_EXPIRY_HEARTBEATS} heartbeats considers its peer dead.
 */
public final class BstarProtocol {
    public static final int STATE_PRIMARY = 1;
    public static final int STATE_BACKUP = 2;
    public static final int STATE_ACTIVE = 3;
    public static final int STATE_PASSIVE = 4;

    /** The Guide's heartbeat: how often a server publishes its state. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(1000);
    /** The peer is dead after this many heartbeats of silence. */
    public static final int PEER_EXPIRY_HEARTBEATS = 2;
    /** A state frame longer than this is garbage (and 9 digits cannot overflow an int). */
    static final int MAX_STATE_FRAME = 9;

    private BstarProtocol() {
    }

    /** The state message a server publishes. */
    public static ZMsg encode(BstarState state) {
        return Frames.message(Integer.toString(state.code()));
    }

    /**
     * Reads a peer's state message. Garbage (not one short frame of decimal digits) is a {@link
     * MalformedMessageException} to drop; a well-formed number outside 1..4 is a {@link BinaryStarException}, because
     * then the peer is not speaking Binary Star at all.
     */
    public static BstarState decode(ZMsg msg) throws MalformedMessageException {
        MessageReader reader = MessageReader.of(msg);
        byte[] frame = reader.nextBytes("state", MAX_STATE_FRAME);
        reader.expectEnd("state message");
        if (frame.length == 0) {
            throw new MalformedMessageException("bad state", "empty state frame");
        }
        int code = 0;
        for (byte b : frame) {
            if (b < '0' || b > '9') {
                throw new MalformedMessageException("bad state", "state is not a number: " + Frames.printable(frame));
            }
            code = code * 10 + (b - '0');
        }
        return BstarState.fromCode(code);
    }
}
