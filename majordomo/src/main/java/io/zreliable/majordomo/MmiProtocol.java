package io.zreliable.majordomo;

/**
 * Constants of 8/MMI (Majordomo Management Interface): services under {@code mmi.} that the broker answers itself,
 * and their reply codes. A request is {@code MDPC01, mmi.<name>, <argument>}; the reply carries the same service
 * name and one body frame.
 *
 * <ul>
 *   <li>{@code mmi.service} (8/MMI) SERVICE: {@code 200} when at least one worker is registered, else {@code 404}.</li>
 *   <li>{@code mmi.workers} (extra) SERVICE: how many workers are registered for it, in decimal.</li>
 *   <li>{@code mmi.queue} (extra) SERVICE: how many requests wait for a worker, in decimal.</li>
 *   <li>{@code mmi.drops} (extra) REASON: how many messages the broker dropped for REASON (e.g. {@code queue bytes
 *       full}), in decimal; with an empty argument, every reason on one line:
 *       {@code total=3; queue bytes full=2; request expired=1}.</li>
 *   <li>any other {@code mmi.*}: {@code 501}.</li>
 * </ul>
 * Workers may not register names in this namespace: their READY is answered with DISCONNECT.
 */
public final class MmiProtocol {
    public static final String PREFIX = "mmi.";
    public static final String SERVICE = "mmi.service";
    public static final String WORKERS = "mmi.workers";
    public static final String QUEUE = "mmi.queue";
    public static final String DROPS = "mmi.drops";

    public static final String FOUND = "200";
    public static final String NOT_FOUND = "404";
    public static final String NOT_IMPLEMENTED = "501";

    private MmiProtocol() {
    }

    public static boolean isMmi(String service) {
        return service.startsWith(PREFIX);
    }
}
