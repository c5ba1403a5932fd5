package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheInitialIntervalUpToTheCap() {
        Backoff backoff = new Backoff(BackoffConfig.DEFAULT);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(backoff.nextDelayMillis());
        }
        assertEquals(List.of(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 32000L, 32000L), delays);
        assertEquals(8, backoff.attempts());
    }

    @Test
    void aCapThatIsNotAPowerOfTwoIsHitExactly() {
        Backoff backoff = new Backoff(BackoffConfig.builder().initialMillis(100).maxMillis(700).build());
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delays.add(backoff.nextDelayMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 700L, 700L), delays);
    }

    @Test
    void resetStartsAgainFromTheInitialInterval() {
        Backoff backoff = new Backoff(BackoffConfig.builder().initialMillis(50).maxMillis(1000).build());
        backoff.nextDelayMillis();
        backoff.nextDelayMillis();
        assertEquals(200, backoff.peekDelayMillis());
        backoff.reset();
        assertEquals(0, backoff.attempts());
        assertEquals(50, backoff.nextDelayMillis());
    }

    @Test
    void aHugeCapNeverOverflows() {
        Backoff backoff = new Backoff(BackoffConfig.builder().initialMillis(1).maxMillis(Long.MAX_VALUE / 1_000_000)
                .build());
        long last = 0;
        for (int i = 0; i < 200; i++) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= last && delay > 0, "delays never shrink or wrap: " + delay);
            last = delay;
        }
    }

    @Test
    void maxBelowInitialIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackoffConfig.builder().initialMillis(500).maxMillis(100).build());
        assertEquals("maximum reconnect interval (100 ms) must be >= initial reconnect interval (500 ms)",
                e.getMessage());
    }
}
