package io.zreliable.majordomo;

import io.zreliable.common.Frames;
import java.util.Arrays;

/** A ROUTER routing id as a map key: the bytes are not copied and the hash is computed once. */
final class RoutingId {
    private final byte[] bytes;
    private final int hash;

    RoutingId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoutingId && ((RoutingId) other).hash == hash
                && Arrays.equals(((RoutingId) other).bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Frames.printable(bytes);
    }
}
