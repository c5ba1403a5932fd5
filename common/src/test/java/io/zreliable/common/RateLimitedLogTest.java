package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {
    @Test
    void printsAFewLinesPerWindowAndCountsTheRest() {
        ManualClock clock = new ManualClock();
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), clock);
        for (int i = 0; i < RateLimitedLog.LINES_PER_WINDOW; i++) {
            assertTrue(log.warn("attack {}", i));
        }
        for (int i = 0; i < 1000; i++) {
            assertFalse(log.warn("attack {}", i));
        }
        assertEquals(1000, log.suppressed());
        clock.advanceMillis(RateLimitedLog.WINDOW_MILLIS);
        assertTrue(log.warn("attack again"), "a new window prints again");
        assertEquals(1000, log.suppressed());
    }
}
