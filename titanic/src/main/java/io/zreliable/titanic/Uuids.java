package io.zreliable.titanic;

import java.security.SecureRandom;
import java.util.Locale;

/** Request identifiers of 9/TSP: 32 hexadecimal characters (we generate upper case, accept either case). */
final class Uuids {
    static final int LENGTH = 32;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Uuids() {
    }

    /** A fresh random identifier (version 4 UUID bits, printed as 32 upper-case hex characters). */
    static String generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        char[] out = new char[LENGTH];
        for (int i = 0; i < bytes.length; i++) {
            out[i * 2] = HEX[(bytes[i] >> 4) & 0xF];
            out[i * 2 + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    /** The stored form of a valid identifier: upper case, so clients may send either case. */
    static String normalize(String uuid) {
        return uuid.toUpperCase(Locale.ROOT);
    }

    /** True for exactly 32 characters of 0-9, a-f, A-F. */
    static boolean isValid(String uuid) {
        if (uuid == null || uuid.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = uuid.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                return false;
            }
        }
        return true;
    }
}
