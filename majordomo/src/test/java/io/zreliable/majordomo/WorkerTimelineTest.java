package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class WorkerTimelineTest {
    private final Service service = new Service("echo", 0);
    private final BrokerWorker a = new BrokerWorker(new RoutingId(new byte[] {1}), service, MdpDialect.MDP_0_1);
    private final BrokerWorker b = new BrokerWorker(new RoutingId(new byte[] {2}), service, MdpDialect.MDP_0_1);
    private final WorkerTimeline timeline = new WorkerTimeline();

    @Test
    void theWorkerSilentLongestComesFirstAndTrafficMovesItBack() {
        timeline.add(a, 100);
        timeline.add(b, 200);

        assertNull(timeline.silentSince(99));
        assertSame(a, timeline.silentSince(100));
        timeline.seen(a, 300);
        assertSame(b, timeline.silentSince(250));
        timeline.remove(b);
        assertNull(timeline.silentSince(250));
        assertSame(a, timeline.silentSince(300));
    }

    @Test
    void heartbeatsAreDueForTheWorkerWeSentNothingLongest() {
        timeline.add(a, 100);
        timeline.add(b, 200);
        timeline.sent(a, 400);

        assertSame(b, timeline.quietSince(300));
        timeline.sent(b, 500);
        assertNull(timeline.quietSince(300));
        assertSame(a, timeline.quietSince(450));
        // Clock values may wrap: order is by difference, not by sign.
        timeline.remove(a);
        timeline.remove(b);
        timeline.add(a, Long.MAX_VALUE);
        assertSame(a, timeline.silentSince(Long.MAX_VALUE + 10));
    }
}
