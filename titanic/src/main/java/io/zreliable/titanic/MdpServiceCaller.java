package io.zreliable.titanic;

import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.Frames;
import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MmiProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * Reaches services through a Majordomo broker with a {@link MajordomoClient}: one attempt per call (the dispatcher
 * does its own retrying, with back-off), waiting up to the request timeout. Used by one delivery thread only.
 */
final class MdpServiceCaller implements ServiceCaller {
    private final MajordomoClient client;

    MdpServiceCaller(List<String> endpoints, Duration timeout, CurveClientKeys curve) {
        this.client = new MajordomoClient(endpoints, RetryPolicy.builder().timeout(timeout).attempts(1).build(),
                curve);
    }

    @Override
    public Availability availability(String service) {
        try {
            ZMsg reply = client.send(MmiProtocol.SERVICE, Frames.message(service));
            String code = reply.getFirst().getString(org.zeromq.ZMQ.CHARSET);
            if (MmiProtocol.FOUND.equals(code)) {
                return Availability.AVAILABLE;
            }
            return MmiProtocol.NOT_FOUND.equals(code) ? Availability.MISSING : Availability.UNKNOWN;
        } catch (RequestTimeoutException e) {
            // A broker without MMI holds the request like any other: say nothing, let the request itself try.
            return Availability.UNKNOWN;
        }
    }

    @Override
    public List<byte[]> call(String service, List<byte[]> body) {
        ZMsg request = new ZMsg();
        body.forEach(request::add);
        try {
            ZMsg reply = client.send(service, request);
            List<byte[]> frames = new ArrayList<>(reply.size());
            for (ZFrame frame : reply) {
                frames.add(frame.getData());
            }
            return frames;
        } catch (RequestTimeoutException e) {
            return null;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
