package io.zreliable.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * Strict, frame-by-frame reading of a {@link ZMsg}: each step names what it expects, and a message that does not
 * match fails with a {@link MalformedMessageException} saying what was wrong. Reading consumes frames from the
 * message. A protocol parser reads, say, an envelope, a header and a command, then takes {@link #rest()} as the body.
 */
public final class MessageReader {
    private final ZMsg msg;
    private int position;

    private MessageReader(ZMsg msg) {
        this.msg = msg;
    }

    public static MessageReader of(ZMsg msg) {
        return new MessageReader(Require.notNull(msg, "message"));
    }

    public int remaining() {
        return msg.size();
    }

    public boolean hasMore() {
        return !msg.isEmpty();
    }

    /** Takes the next frame; fails when the message has no more frames. */
    public ZFrame next(String what) throws MalformedMessageException {
        ZFrame frame = msg.poll();
        if (frame == null) {
            throw new MalformedMessageException("missing frame", what + " expected at frame " + position);
        }
        position++;
        return frame;
    }

    /** Takes the next frame's bytes, refusing a frame longer than {@code maxLength}. */
    public byte[] nextBytes(String what, int maxLength) throws MalformedMessageException {
        ZFrame frame = next(what);
        if (frame.size() > maxLength) {
            throw new MalformedMessageException("frame too long",
                    what + " has " + frame.size() + " bytes, at most " + maxLength + " allowed");
        }
        return frame.getData();
    }

    /** Takes the next frame as UTF-8 text of at most {@code maxLength} bytes. */
    public String nextString(String what, int maxLength) throws MalformedMessageException {
        return new String(nextBytes(what, maxLength), StandardCharsets.UTF_8);
    }

    /** Takes the next frame, which must be empty (the delimiter of a REQ/REP envelope). */
    public void expectEmpty(String what) throws MalformedMessageException {
        ZFrame frame = next(what);
        if (frame.size() != 0) {
            throw new MalformedMessageException("missing delimiter",
                    what + " must be an empty frame, has " + frame.size() + " bytes");
        }
    }

    /** Takes the next frame, which must equal {@code expected} byte for byte (a protocol header, say). */
    public void expect(byte[] expected, String what) throws MalformedMessageException {
        ZFrame frame = next(what);
        if (!Arrays.equals(frame.getData(), expected)) {
            throw new MalformedMessageException("unexpected frame",
                    what + " must be " + Frames.printable(expected) + ", was " + Frames.printable(frame.getData()));
        }
    }

    /** Takes the next frame, which must be exactly one byte, and returns it. */
    public byte nextByte(String what) throws MalformedMessageException {
        ZFrame frame = next(what);
        if (frame.size() != 1) {
            throw new MalformedMessageException("bad command frame",
                    what + " must be 1 byte, has " + frame.size());
        }
        return frame.getData()[0];
    }

    /** Fails unless every frame was read. */
    public void expectEnd(String context) throws MalformedMessageException {
        if (!msg.isEmpty()) {
            throw new MalformedMessageException("extra frames",
                    context + " has " + msg.size() + " unexpected trailing frame(s)");
        }
    }

    /** Fails unless at least one frame is left (e.g. a body that may not be empty). */
    public void expectMore(String what) throws MalformedMessageException {
        if (msg.isEmpty()) {
            throw new MalformedMessageException("missing frame", what + " expected at frame " + position);
        }
    }

    /** The frames not read yet, as the same message object (no copy). */
    public ZMsg rest() {
        return msg;
    }
}
