package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DropCounterTest {

    @Test
    void countsByReasonAndInTotal() {
        DropCounter drops = new DropCounter(LoggerFactory.getLogger(DropCounterTest.class));
        drops.drop("bad header", "x");
        drops.drop("bad header", "y");
        drops.drop(new MalformedMessageException("missing frame", "service expected"));
        assertEquals(3, drops.total());
        assertEquals(2, drops.count("bad header"));
        assertEquals(1, drops.count("missing frame"));
        assertEquals(0, drops.count("never"));
    }

    @Test
    void distinctReasonsAreBounded() {
        DropCounter drops = new DropCounter(LoggerFactory.getLogger(DropCounterTest.class));
        for (int i = 0; i < 1000; i++) {
            drops.drop("reason-" + i, i);
        }
        assertEquals(1000, drops.total());
        assertEquals(DropCounter.MAX_REASONS + 1, drops.snapshot().size());
        assertEquals(1000 - DropCounter.MAX_REASONS, drops.count(DropCounter.OTHER));
    }
}
