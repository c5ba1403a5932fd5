package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DropSummaryTest {
    private static final Logger LOG = LoggerFactory.getLogger(DropSummaryTest.class);

    private final ManualClock clock = new ManualClock();
    private final DropCounter drops = new DropCounter(LOG);
    private final DropSummary summary = new DropSummary(drops, LOG, "test server", clock, 1000);

    @Test
    void aFloodOfDropsGivesOneLinePerIntervalWithTheCountsSinceTheLastLine() {
        assertNull(summary.maybeLog(), "nothing dropped, nothing said");
        for (int i = 0; i < 10_000; i++) {
            drops.drop("queue full", i);
        }
        drops.drop("request expired", "x");
        assertEquals("test server dropped 10001 message(s) since the last summary (queue full: 10000, "
                + "request expired: 1); 10001 in all", summary.maybeLog());
        drops.drop("queue full", "again");
        assertNull(summary.maybeLog(), "within the interval");
        clock.advanceMillis(999);
        assertNull(summary.maybeLog(), "still within the interval");
        clock.advanceMillis(1);
        assertEquals("test server dropped 1 message(s) since the last summary (queue full: 1); 10002 in all",
                summary.maybeLog());
        clock.advanceMillis(5000);
        assertNull(summary.maybeLog(), "no new drops, no line");
        drops.drop("request expired", "y");
        assertEquals("test server dropped 1 message(s) since the last summary (request expired: 1); 10003 in all",
                summary.maybeLog(), "a quiet spell longer than the interval: the next drop is reported at once");
    }
}
