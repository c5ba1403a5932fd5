package io.zreliable.titanic;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The on-disk encoding of a multipart message: frame count, then each frame as length + bytes (big-endian ints).
 * Decoding checks every length, so a damaged record fails loudly instead of yielding garbage frames.
 */
final class FrameCodec {
    private FrameCodec() {
    }

    static byte[] encode(long seq, List<byte[]> frames) {
        int size = 8 + 4;
        for (byte[] frame : frames) {
            size += 4 + frame.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putLong(seq);
        out.putInt(frames.size());
        for (byte[] frame : frames) {
            out.putInt(frame.length);
            out.put(frame);
        }
        return out.array();
    }

    /** The sequence number stored in front of the frames. */
    static long seq(byte[] record) {
        check(record != null && record.length >= 12, "record shorter than its header");
        return ByteBuffer.wrap(record).getLong();
    }

    static List<byte[]> frames(byte[] record) {
        check(record != null && record.length >= 12, "record shorter than its header");
        ByteBuffer in = ByteBuffer.wrap(record);
        in.getLong();
        int count = in.getInt();
        check(count >= 0 && count <= in.remaining() / 4, "bad frame count " + count);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            check(in.remaining() >= 4, "frame " + i + " has no length");
            int length = in.getInt();
            check(length >= 0 && length <= in.remaining(), "frame " + i + " length " + length + " out of bounds");
            byte[] frame = new byte[length];
            in.get(frame);
            frames.add(frame);
        }
        check(!in.hasRemaining(), in.remaining() + " trailing bytes");
        return frames;
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalStateException("damaged record: " + problem);
        }
    }
}
