package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.DropCounter;
import io.zreliable.common.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

class RequestBacklogTest {
    private final ManualClock clock = new ManualClock();
    private final DropCounter drops = new DropCounter(LoggerFactory.getLogger(RequestBacklogTest.class));
    private final RequestBacklog backlog = new RequestBacklog(2, 1000, clock, drops);

    private static String text(ZMsg msg) {
        return msg.getFirst().getString(ZMQ.CHARSET);
    }

    @Test
    void refusesRequestsBeyondItsCapacityAndServesInArrivalOrder() {
        assertTrue(backlog.offer(ZMsg.newStringMsg("a")));
        assertTrue(backlog.offer(ZMsg.newStringMsg("b")));
        assertFalse(backlog.offer(ZMsg.newStringMsg("c")));
        assertEquals(1, drops.count(ParanoidPirateQueue.DROP_BACKLOG_FULL));
        assertEquals("a", text(backlog.peek()));
        assertEquals("a", text(backlog.peek()), "peek leaves the request in place");
        assertEquals("a", text(backlog.removeFirst()));
        assertEquals("b", text(backlog.removeFirst()));
        assertNull(backlog.peek());
    }

    @Test
    void dropsRequestsThatWaitedLongerThanTheMaximumAge() {
        backlog.offer(ZMsg.newStringMsg("old"));
        clock.advance(Duration.ofMillis(600));
        backlog.offer(ZMsg.newStringMsg("young"));
        clock.advance(Duration.ofMillis(400));
        backlog.purgeExpired();
        assertEquals(2, backlog.size(), "exactly the maximum age is still fine");
        clock.advance(Duration.ofMillis(1));
        assertEquals("young", text(backlog.peek()));
        assertEquals(1, drops.count(ParanoidPirateQueue.DROP_BACKLOG_EXPIRED));
        assertEquals(1, backlog.size());
    }
}
