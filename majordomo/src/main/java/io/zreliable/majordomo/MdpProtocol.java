package io.zreliable.majordomo;

/**
 * Wire constants of 7/MDP (Majordomo Protocol, MDP/0.1): the two sub-protocol headers and the worker command
 * bytes. The frames themselves are read and written by {@link MdpCodec}, for this and the MDP/0.2 dialects
 * ({@link MdpDialect}).
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

    /** Longest service name accepted: {@link MdpCodec#MAX_SERVICE_NAME}. */
    public static final int MAX_SERVICE_NAME = MdpCodec.MAX_SERVICE_NAME;

    /** Longest client address a worker may hand back: {@link MdpCodec#MAX_ADDRESS}. */
    public static final int MAX_ADDRESS = MdpCodec.MAX_ADDRESS;

    private MdpProtocol() {
    }

    /** A fresh copy of the MDP/Client header bytes (callers may hand it to a frame that owns it). */
    public static byte[] clientHeader() {
        return MdpDialect.MDP_0_1.clientHeader();
    }

    /** A fresh copy of the MDP/Worker header bytes. */
    public static byte[] workerHeader() {
        return MdpDialect.MDP_0_1.workerHeader();
    }

    /** The command's name for logs, e.g. {@code READY}, or {@code 0x2A} for an unknown byte. */
    public static String commandName(byte command) {
        return MdpDialect.MDP_0_1.commandName(command);
    }
}
