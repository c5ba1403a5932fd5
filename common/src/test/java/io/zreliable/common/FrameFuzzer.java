package io.zreliable.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Seeded, repeatable generator of malformed multipart messages for fuzz tests: each call takes a well-formed
 * template and breaks it one way (a frame dropped, truncated, swapped, duplicated, replaced by random bytes or by
 * a hostile string, thousands of extra frames, an oversized frame). The same seed gives the same sequence, so a
 * failure is reproduced by passing the seed printed in the assertion message ({@code -Dfuzz.seed=N}).
 */
public final class FrameFuzzer {
    /** Extra frames added by the "huge frame count" mutation. */
    public static final int MANY_FRAMES = 2_000;
    /** Size of the "oversized body" frame: over the 1 MiB default limits of the servers. */
    public static final int BIG_FRAME = (1 << 20) + 1;

    private static final String[] HOSTILE = {
        "", "../x", "../../etc/passwd", "/etc/passwd", "..\\x", "x/../../y", "%2e%2e%2fx", "\u0000", "\n", "\u00ff",
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "0123456789abcdef0123456789ABCDEF0", "0123456789abcdef0123456789abcde",
        "mmi.service", "titanic.request", "MDPC01", "MDPW01", "-1", "99999999999", "1e9", "NaN",
    };

    private final long seed;
    private final Random random;

    public FrameFuzzer(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed from {@code -Dfuzz.seed}, else {@code fallback}: fixed by default so that runs are repeatable. */
    public static long seed(long fallback) {
        return Long.getLong("fuzz.seed", fallback);
    }

    public long seed() {
        return seed;
    }

    public Random random() {
        return random;
    }

    /** A broken copy of {@code template} (never identical to it); never empty, as ZeroMQ cannot send 0 frames. */
    public List<byte[]> mutate(List<byte[]> template) {
        for (int tries = 0; tries < 16; tries++) {
            List<byte[]> out = mutateOnce(new ArrayList<>(template));
            if (out.isEmpty()) {
                out.add(new byte[0]);
            }
            if (!same(out, template)) {
                return out;
            }
        }
        List<byte[]> fallback = new ArrayList<>(template);
        fallback.add(randomBytes(8));
        return fallback;
    }

    /** {@link #mutate} of a message given as strings (UTF-8), for templates written by hand. */
    public List<byte[]> mutate(String... template) {
        List<byte[]> frames = new ArrayList<>();
        for (String frame : template) {
            frames.add(frame.getBytes(StandardCharsets.UTF_8));
        }
        return mutate(frames);
    }

    /** A mutated template as a message ready to send. */
    public ZMsg message(List<byte[]> frames) {
        ZMsg msg = new ZMsg();
        frames.forEach(msg::add);
        return msg;
    }

    /** Sends {@code frames} without blocking; returns whether the socket took it. */
    public static boolean send(ZMQ.Socket socket, List<byte[]> frames) {
        ZMsg msg = new ZMsg();
        frames.forEach(msg::add);
        return msg.send(socket, true);
    }

    public byte[] randomBytes(int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A string that is not a well-formed name or id: path-like, control characters, wrong length, reserved. */
    public String hostileString() {
        if (random.nextInt(4) == 0) {
            return new String(randomBytes(40), StandardCharsets.ISO_8859_1);
        }
        return HOSTILE[random.nextInt(HOSTILE.length)];
    }

    private List<byte[]> mutateOnce(List<byte[]> frames) {
        int at = frames.isEmpty() ? 0 : random.nextInt(frames.size());
        switch (random.nextInt(11)) {
            case 0 -> frames.remove(at);                                        // missing frame
            case 1 -> frames.subList(random.nextInt(frames.size() + 1), frames.size()).clear();  // truncated
            case 2 -> frames.set(at, randomBytes(64));                          // random bytes
            case 3 -> frames.set(at, flipOneByte(frames.get(at)));              // wrong header / command
            case 4 -> frames.add(random.nextInt(frames.size() + 1), frames.get(at).clone());  // duplicated frame
            case 5 -> swap(frames, at, random.nextInt(frames.size()));          // frames out of order
            case 6 -> {                                                         // huge frame count
                for (int i = 0; i < MANY_FRAMES; i++) {
                    frames.add(new byte[random.nextInt(3)]);
                }
            }
            case 7 -> frames.add(new byte[BIG_FRAME]);                          // oversized body
            case 8 -> frames.set(at, hostileString().getBytes(StandardCharsets.UTF_8));  // hostile text
            case 9 -> frames.set(at, new byte[] {(byte) random.nextInt(256)});  // unknown one-byte command
            default -> {                                                        // everything garbage
                int count = 1 + random.nextInt(6);
                frames.clear();
                for (int i = 0; i < count; i++) {
                    frames.add(randomBytes(16));
                }
            }
        }
        return frames;
    }

    private byte[] flipOneByte(byte[] frame) {
        if (frame.length == 0) {
            return new byte[] {(byte) (1 + random.nextInt(255))};
        }
        byte[] copy = frame.clone();
        int i = random.nextInt(copy.length);
        copy[i] = (byte) (copy[i] ^ (1 + random.nextInt(255)));
        return copy;
    }

    private static void swap(List<byte[]> frames, int a, int b) {
        byte[] first = frames.get(a);
        frames.set(a, frames.get(b));
        frames.set(b, first);
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "FrameFuzzer[seed=" + seed + " (repeat with -Dfuzz.seed=" + seed + ")]";
    }
}
