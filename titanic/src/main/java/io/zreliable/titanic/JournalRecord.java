package io.zreliable.titanic;

import io.zreliable.common.Require;

/**
 * One record of the store's journal: its position (a 64-bit index, one more than the record before it), what it
 * records, and its payload (the request id as 32 ASCII characters, then the request's sequence number and frames).
 * This is the unit of replication: {@link TitanicStore#journalFrom(long)} reads records and
 * {@link TitanicStore#appendReplicated(java.util.List)} appends records read from another store. Immutable; the
 * payload is not copied, so do not change the array.
 */
public record JournalRecord(long index, Type type, byte[] payload) {
    /** What a record says happened; the code is what the journal stores. */
    public enum Type {
        /** A request was stored and waits for its service. */
        REQUEST(1),
        /** The service's reply was stored; the request no longer waits. */
        REPLY(2),
        /** The client closed the request: request and reply are forgotten. */
        CLOSE(3);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The type with this code, or null for an unknown code. */
        static Type of(int code) {
            for (Type type : values()) {
                if (type.code == code) {
                    return type;
                }
            }
            return null;
        }
    }

    public JournalRecord {
        Require.positive(index, "journal index");
        Require.notNull(type, "record type");
        Require.that(payload != null && payload.length >= Uuids.LENGTH + 12, "record payload too short");
    }

    /** The request id the record is about. */
    public String uuid() {
        return new String(payload, 0, Uuids.LENGTH, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The stored form of the request or reply (sequence number and frames), without the id. */
    byte[] value() {
        return java.util.Arrays.copyOfRange(payload, Uuids.LENGTH, payload.length);
    }

    /** The sequence number of the request the record is about. */
    long seq() {
        return java.nio.ByteBuffer.wrap(payload, Uuids.LENGTH, 8).getLong();
    }

    static byte[] payload(String uuid, byte[] value) {
        byte[] out = new byte[Uuids.LENGTH + value.length];
        byte[] id = uuid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, out, 0, Uuids.LENGTH);
        System.arraycopy(value, 0, out, Uuids.LENGTH, value.length);
        return out;
    }
}
