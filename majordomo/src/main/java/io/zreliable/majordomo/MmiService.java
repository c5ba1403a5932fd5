package io.zreliable.majordomo;

import io.zreliable.common.MalformedMessageException;
import io.zreliable.common.MessageReader;
import java.util.Map;

/** Answers 8/MMI requests from the broker's own service table (see {@link MmiProtocol}). Reactor thread only. */
final class MmiService {
    private final Map<String, Service> services;

    MmiService(Map<String, Service> services) {
        this.services = services;
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
            default -> MmiProtocol.NOT_IMPLEMENTED;
        };
    }

    private static String argument(MessageReader in) throws MalformedMessageException {
        return in.nextString("MMI service name", MdpProtocol.MAX_SERVICE_NAME);
    }
}
