package io.zreliable.majordomo;

import io.zreliable.common.DropCounter;
import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.util.Map;
import java.util.StringJoiner;

/** Answers 8/MMI requests from the broker's own service table (see {@link MmiProtocol}). Reactor thread only. */
final class MmiService {
    private final Map<String, Service> services;
    private final DropCounter drops;

    MmiService(Map<String, Service> services, DropCounter drops) {
        this.services = services;
        this.drops = drops;
    }

    /** The one-frame answer to {@code mmi.*} request {@code name} whose body is left in {@code in}. */
    String answer(String name, MessageReader in) throws MalformedMessageException {
        return switch (name) {
            case MmiProtocol.SERVICE -> {
                Service service = services.get(argument(in));
                yield service != null && service.workers > 0 ? MmiProtocol.FOUND : MmiProtocol.NOT_FOUND;
            }
            case MmiProtocol.WORKERS -> {
                Service service = services.get(argument(in));
                yield Integer.toString(service == null ? 0 : service.workers);
            }
            case MmiProtocol.QUEUE -> {
                Service service = services.get(argument(in));
                yield Integer.toString(service == null ? 0 : service.queue.size());
            }
            case MmiProtocol.DROPS -> {
                String reason = in.nextString("MMI drop reason", MdpProtocol.MAX_SERVICE_NAME);
                yield reason.isEmpty() ? allDrops() : Long.toString(drops.count(reason));
            }
            default -> MmiProtocol.NOT_IMPLEMENTED;
        };
    }

    private String allDrops() {
        StringJoiner line = new StringJoiner("; ");
        line.add("total=" + drops.total());
        drops.snapshot().forEach((reason, count) -> line.add(reason + "=" + count));
        return line.toString();
    }

    private static String argument(MessageReader in) throws MalformedMessageException {
        return in.nextString("MMI service name", MdpProtocol.MAX_SERVICE_NAME);
    }
}
