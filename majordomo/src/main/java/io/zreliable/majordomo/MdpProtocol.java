package io.zreliable.majordomo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Wire constants of 7/MDP (Majordomo Protocol, MDP/0.1): the two sub-protocol headers and the worker command
 * bytes. Every frame the broker, worker and clients put on the wire comes from here, so the module stays
 * byte-compatible with any MDP/0.1 peer.
 *
 * <pre>
 * client  -> broker: [empty] "MDPC01" service body...
 * broker  -> client: [empty] "MDPC01" service body...
 * worker &lt;-> broker: [empty] "MDPW01" command ...
 *   READY      0x01 service                 (worker -> broker)
 *   REQUEST    0x02 client [empty] body...  (broker -> worker)
 *   REPLY      0x03 client [empty] body...  (worker -> broker)
 *   HEARTBEAT  0x04                         (both ways)
 *   DISCONNECT 0x05                         (both ways)
 * </pre>
 */
public final class MdpProtocol {
    /** Header of MDP/Client (client and broker), six bytes. */
    public static final String CLIENT_HEADER_TEXT = "MDPC01";
    /** Header of MDP/Worker (worker and broker), six bytes. */
    public static final String WORKER_HEADER_TEXT = "MDPW01";

    public static final byte READY = 0x01;
    public static final byte REQUEST = 0x02;
    public static final byte REPLY = 0x03;
    public static final byte HEARTBEAT = 0x04;
    public static final byte DISCONNECT = 0x05;

    /**
     * Longest service name we accept (MDP itself sets no limit; a bound keeps hostile input cheap). Names are
     * printable strings; ZeroMQ's own socket identities stop at 255 bytes, which is a sensible bound here too.
     */
    public static final int MAX_SERVICE_NAME = 255;

    /** Longest client address a worker may hand back in a REPLY (ROUTER identities are at most 255 bytes). */
    public static final int MAX_ADDRESS = 255;

    // Shared, never-mutated frame contents for the hot path (package-private: callers outside get copies).
    static final byte[] CLIENT_HEADER = CLIENT_HEADER_TEXT.getBytes(StandardCharsets.US_ASCII);
    static final byte[] WORKER_HEADER = WORKER_HEADER_TEXT.getBytes(StandardCharsets.US_ASCII);
    static final byte[] EMPTY = new byte[0];
    private static final String[] COMMAND_NAMES = {"?", "READY", "REQUEST", "REPLY", "HEARTBEAT", "DISCONNECT"};

    private MdpProtocol() {
    }

    /** A fresh copy of the MDP/Client header bytes (callers may hand it to a frame that owns it). */
    public static byte[] clientHeader() {
        return CLIENT_HEADER.clone();
    }

    /** A fresh copy of the MDP/Worker header bytes. */
    public static byte[] workerHeader() {
        return WORKER_HEADER.clone();
    }

    static boolean isClientHeader(byte[] frame) {
        return Arrays.equals(frame, CLIENT_HEADER);
    }

    static boolean isWorkerHeader(byte[] frame) {
        return Arrays.equals(frame, WORKER_HEADER);
    }

    /**
     * True for a usable service name: 1 to {@value #MAX_SERVICE_NAME} bytes with no control characters (MDP says
     * "printable string"; UTF-8 beyond ASCII is allowed).
     */
    static boolean isServiceName(byte[] name) {
        if (name.length == 0 || name.length > MAX_SERVICE_NAME) {
            return false;
        }
        for (byte b : name) {
            if ((b >= 0 && b < 0x20) || b == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** The command's name for logs, e.g. {@code READY}, or {@code 0x2A} for an unknown byte. */
    public static String commandName(byte command) {
        if (command >= READY && command <= DISCONNECT) {
            return COMMAND_NAMES[command];
        }
        return String.format("0x%02X", command & 0xFF);
    }
}
