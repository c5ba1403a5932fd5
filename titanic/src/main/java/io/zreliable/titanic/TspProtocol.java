package io.zreliable.titanic;

import io.zreliable.majordomo.MdpCodec;
import java.nio.charset.StandardCharsets;

/**
 * Constants of 9/TSP (Titanic Service Protocol), carried over MDP: the three service names and the status codes.
 *
 * <ul>
 *   <li>{@code titanic.request}: [service, body...] -> [200, uuid] once stored durably.</li>
 *   <li>{@code titanic.reply}: [uuid] -> [200, reply...] when answered, [300] while pending, [400] if unknown.</li>
 *   <li>{@code titanic.close}: [uuid] -> [200], also for an unknown uuid (idempotent).</li>
 *   <li>[500] when the server cannot complete the request (store failure or full); the client retries later.</li>
 * </ul>
 * A status frame is three digits, optionally followed by a space and text that clients must ignore. We send the
 * bare three digits: the Guide's clients compare the frame with "200", "400" and "500" exactly.
 */
public final class TspProtocol {
    public static final String REQUEST = "titanic.request";
    public static final String REPLY = "titanic.reply";
    public static final String CLOSE = "titanic.close";
    /** Prefix of the Titanic services; a request for one of them is refused (it would loop). */
    public static final String PREFIX = "titanic.";

    public static final String OK = "200";
    public static final String PENDING = "300";
    public static final String UNKNOWN = "400";
    public static final String ERROR = "500";

    /** Longest service name accepted in a titanic.request: the MDP codec's bound. */
    public static final int MAX_SERVICE_LENGTH = MdpCodec.MAX_SERVICE_NAME;

    private TspProtocol() {
    }

    /**
     * The three-digit code of a status frame, ignoring any text after it; null if the frame is not a status.
     */
    public static String statusCode(byte[] frame) {
        if (frame == null || frame.length < 3 || (frame.length > 3 && frame[3] != ' ')) {
            return null;
        }
        for (int i = 0; i < 3; i++) {
            if (frame[i] < '0' || frame[i] > '9') {
                return null;
            }
        }
        return new String(frame, 0, 3, StandardCharsets.US_ASCII);
    }

    /**
     * True for a service name a titanic.request may target: a name MDP accepts ({@link MdpCodec#isServiceName}, the
     * toolkit's one rule) that is also printable ASCII without spaces (Titanic keeps stored names plain), and not a
     * Titanic service itself.
     */
    public static boolean isValidServiceName(byte[] name) {
        if (name == null || !MdpCodec.isServiceName(name)) {
            return false;
        }
        for (byte b : name) {
            if (b <= 0x20 || b >= 0x7f) {
                return false;
            }
        }
        return !new String(name, StandardCharsets.US_ASCII).startsWith(PREFIX);
    }
}
