package io.zreliable.titanic;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The bytes of the journal. A segment file starts with a header: magic "TTNJ", format version (int), segment
 * number (long), index of its first record (long), CRC32C of the preceding 24 bytes. Then records, each: payload
 * length (int), CRC32C (int) of everything in the record but itself, index (long), type (byte), payload. All
 * big-endian.
 */
final class JournalFormat {
    static final int MAGIC = 0x54544E4A; // "TTNJ"
    static final int VERSION = 1;
    static final int SEGMENT_HEADER = 4 + 4 + 8 + 8 + 4;
    static final int RECORD_HEADER = 4 + 4 + 8 + 1;

    private JournalFormat() {
    }

    static ByteBuffer segmentHeader(long number, long firstIndex) {
        ByteBuffer out = ByteBuffer.allocate(SEGMENT_HEADER);
        out.putInt(MAGIC).putInt(VERSION).putLong(number).putLong(firstIndex);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, SEGMENT_HEADER - 4);
        out.putInt((int) crc.getValue());
        return out.flip();
    }

    /** Appends one record to {@code out}, which must have room for {@link #size(int)} bytes. */
    static void put(ByteBuffer out, long index, JournalRecord.Type type, byte[] payload) {
        int start = out.position();
        out.putInt(payload.length).putInt(0).putLong(index).put((byte) type.code()).put(payload);
        out.putInt(start + 4, crc(out, start, payload.length));
    }

    static int size(int payloadLength) {
        return RECORD_HEADER + payloadLength;
    }

    /** The CRC32C of the record at {@code start} of {@code buffer}: length field, then index, type and payload. */
    static int crc(ByteBuffer buffer, int start, int payloadLength) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = buffer.duplicate();
        view.limit(start + 4).position(start);
        crc.update(view);
        view.limit(start + RECORD_HEADER + payloadLength).position(start + 8);
        crc.update(view);
        return (int) crc.getValue();
    }

    static byte[] record(long index, JournalRecord.Type type, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(size(payload.length));
        put(out, index, type, payload);
        return out.array();
    }
}
