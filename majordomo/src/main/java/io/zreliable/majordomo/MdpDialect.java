package io.zreliable.majordomo;

import java.nio.charset.StandardCharsets;

/**
 * The three Majordomo wire dialects one broker serves side by side, told apart per message by the frames after the
 * routing id. Each dialect has its own headers, its own command bytes and its own framing; a command byte means
 * nothing without its dialect (0x03 is REPLY in MDP/0.1 and PARTIAL in MDP/0.2).
 *
 * <pre>
 *                      client -> broker               broker -> client                         worker &lt;-> broker
 * MDP_0_1 (7/MDP)      "" MDPC01 service body...      "" MDPC01 service body...                "" MDPW01 cmd ...
 * MDP_0_2 (18/MDP)     MDPC02 0x01 service body...    MDPC02 0x02|0x03 service body...         MDPW02 cmd ...
 * MDP_0_2_MAJORTOMO    "" MDPC02 0x02 service body... "" MDPC02 0x03|0x04 body... (no service) "" MDPW02 cmd ...
 *
 * worker commands      READY  REQUEST  PARTIAL  FINAL      HEARTBEAT  DISCONNECT
 *   MDP_0_1            0x01   0x02     -        0x03 REPLY 0x04       0x05
 *   both 0.2 dialects  0x01   0x02     0x03     0x04       0x05       0x06
 * </pre>
 * REQUEST, PARTIAL and FINAL between broker and worker carry exactly one client address frame and an empty frame
 * before the body in every dialect. {@link MdpCodec} reads and writes all of them.
 */
public enum MdpDialect {
    /** 7/MDP, MDP/0.1: an empty frame first; one REPLY per request. */
    MDP_0_1("MDPC01", "MDPW01", true, new byte[] {-1, -1, -1}, true,
            new byte[] {MdpProtocol.READY, MdpProtocol.REQUEST, -1, MdpProtocol.REPLY, MdpProtocol.HEARTBEAT,
                MdpProtocol.DISCONNECT}),
    /** 18/MDP, MDP/0.2 as the specification writes it: no empty frame; PARTIAL replies before a FINAL one. */
    MDP_0_2("MDPC02", "MDPW02", false, new byte[] {0x01, 0x02, 0x03}, true,
            new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06}),
    /**
     * MDP/0.2 as the Python broker majortomo and its clients speak it: an empty frame first, the client commands
     * numbered like the worker ones (REQUEST 0x02, PARTIAL 0x03, FINAL 0x04) and no service frame in replies.
     */
    MDP_0_2_MAJORTOMO("MDPC02", "MDPW02", true, new byte[] {0x02, 0x03, 0x04}, false,
            new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06});

    /** Index of each command in {@link #clientCodes} and {@link #workerCodes}. */
    static final int READY = 0;
    static final int REQUEST = 1;
    static final int PARTIAL = 2;
    static final int FINAL = 3;
    static final int HEARTBEAT = 4;
    static final int DISCONNECT = 5;
    /** Client commands by index: REQUEST, PARTIAL, FINAL. */
    static final int CLIENT_REQUEST = 0;
    static final int CLIENT_PARTIAL = 1;
    static final int CLIENT_FINAL = 2;

    private static final String[] WORKER_NAMES = {"READY", "REQUEST", "PARTIAL", "FINAL", "HEARTBEAT", "DISCONNECT"};

    final byte[] clientHeader;
    final byte[] workerHeader;
    /** True when every message starts with an empty frame (the REQ-socket envelope delimiter). */
    final boolean delimited;
    /** REQUEST, PARTIAL, FINAL command bytes of the client protocol; -1 where the dialect has no command frame. */
    private final byte[] clientCodes;
    /** True when replies to clients carry the service name frame. */
    final boolean repliesNameService;
    private final byte[] workerCodes;
    /** One shared frame per worker command, so the hot path allocates no command bytes. */
    private final byte[][] workerFrames;
    private final byte[][] clientFrames;

    MdpDialect(String clientHeader, String workerHeader, boolean delimited, byte[] clientCodes,
            boolean repliesNameService, byte[] workerCodes) {
        this.clientHeader = clientHeader.getBytes(StandardCharsets.US_ASCII);
        this.workerHeader = workerHeader.getBytes(StandardCharsets.US_ASCII);
        this.delimited = delimited;
        this.clientCodes = clientCodes;
        this.repliesNameService = repliesNameService;
        this.workerCodes = workerCodes;
        this.workerFrames = frames(workerCodes);
        this.clientFrames = frames(clientCodes);
    }

    private static byte[][] frames(byte[] codes) {
        byte[][] frames = new byte[codes.length][];
        for (int i = 0; i < codes.length; i++) {
            frames[i] = codes[i] == -1 ? null : new byte[] {codes[i]};
        }
        return frames;
    }

    /** True when the client protocol has command frames (REQUEST, PARTIAL, FINAL): both 0.2 dialects. */
    public boolean streams() {
        return clientCodes[CLIENT_REQUEST] != -1;
    }

    /** The six-byte client header, a fresh copy. */
    public byte[] clientHeader() {
        return clientHeader.clone();
    }

    /** The six-byte worker header, a fresh copy. */
    public byte[] workerHeader() {
        return workerHeader.clone();
    }

    /** The worker command at {@code index} ({@link #READY}...), or -1 for a byte this dialect does not define. */
    int workerCommand(byte code) {
        for (int i = 0; i < workerCodes.length; i++) {
            if (workerCodes[i] == code && code != -1) {
                return i;
            }
        }
        return -1;
    }

    /** The client command index ({@link #CLIENT_REQUEST}...) of {@code code}, or -1. */
    int clientCommand(byte code) {
        for (int i = 0; i < clientCodes.length; i++) {
            if (clientCodes[i] == code && code != -1) {
                return i;
            }
        }
        return -1;
    }

    byte[] workerFrame(int command) {
        byte[] frame = workerFrames[command];
        if (frame == null) {
            throw new IllegalArgumentException(this + " has no " + WORKER_NAMES[command] + " command");
        }
        return frame;
    }

    byte[] clientFrame(int command) {
        return clientFrames[command];
    }

    /**
     * The command byte of worker command {@code name} (READY, REQUEST, PARTIAL, FINAL, HEARTBEAT, DISCONNECT; REPLY
     * too in MDP/0.1), for writers of raw frames such as tests and fuzzers.
     *
     * @throws IllegalArgumentException when the dialect has no such command
     */
    public byte workerCode(String name) {
        String wanted = this == MDP_0_1 && "REPLY".equals(name) ? "FINAL" : name;
        for (int i = 0; i < WORKER_NAMES.length; i++) {
            if (WORKER_NAMES[i].equals(wanted) && workerCodes[i] != -1) {
                return workerCodes[i];
            }
        }
        throw new IllegalArgumentException(this + " has no worker command " + name);
    }

    /** The command's name in this dialect for logs, e.g. {@code REPLY} or {@code 0x2A} for an unknown byte. */
    public String commandName(byte code) {
        int command = workerCommand(code);
        if (command < 0) {
            return String.format("0x%02X", code & 0xFF);
        }
        return this == MDP_0_1 && command == FINAL ? "REPLY" : WORKER_NAMES[command];
    }

    /** The dialect's name as the command line spells it: {@code 0.1}, {@code 0.2}, {@code 0.2-majortomo}. */
    public String label() {
        return switch (this) {
            case MDP_0_1 -> "0.1";
            case MDP_0_2 -> "0.2";
            case MDP_0_2_MAJORTOMO -> "0.2-majortomo";
        };
    }

    /** The dialect named by {@link #label()}. */
    public static MdpDialect ofLabel(String label) {
        for (MdpDialect dialect : values()) {
            if (dialect.label().equals(label)) {
                return dialect;
            }
        }
        throw new IllegalArgumentException("unknown MDP version " + label + " (expected 0.1, 0.2 or 0.2-majortomo)");
    }
}
