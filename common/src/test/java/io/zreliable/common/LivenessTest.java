package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LivenessTest {
    private final ManualClock clock = new ManualClock(123_456_789L);
    private final HeartbeatConfig config = HeartbeatConfig.builder().intervalMillis(1000).liveness(3).build();

    @Test
    void peerExpiresAfterIntervalTimesLivenessOfSilence() {
        Liveness liveness = new Liveness(config, clock);
        clock.advanceMillis(2999);
        assertFalse(liveness.isPeerExpired());
        assertEquals(1, liveness.millisUntilExpiry());
        clock.advanceMillis(1);
        assertTrue(liveness.isPeerExpired());
        assertEquals(0, liveness.millisUntilExpiry());
    }

    @Test
    void trafficFromThePeerKeepsItAlive() {
        Liveness liveness = new Liveness(config, clock);
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(2500);
            liveness.peerSeen();
            assertFalse(liveness.isPeerExpired());
        }
        clock.advanceMillis(3000);
        assertTrue(liveness.isPeerExpired());
        liveness.reset();
        assertFalse(liveness.isPeerExpired(), "a reconnect starts a fresh liveness window");
    }

    @Test
    void heartbeatIsDueOneIntervalAfterTheLastSend() {
        Liveness liveness = new Liveness(config, clock);
        assertFalse(liveness.isHeartbeatDue());
        clock.advanceMillis(999);
        assertFalse(liveness.isHeartbeatDue());
        assertEquals(1, liveness.millisUntilHeartbeat());
        clock.advanceMillis(1);
        assertTrue(liveness.isHeartbeatDue());
        liveness.heartbeatSent();
        assertFalse(liveness.isHeartbeatDue());
        clock.advanceMillis(600);
        liveness.heartbeatSent(); // any outgoing traffic pushes the next heartbeat back
        clock.advanceMillis(600);
        assertFalse(liveness.isHeartbeatDue());
        clock.advanceMillis(400);
        assertTrue(liveness.isHeartbeatDue());
    }

    @Test
    void configIsValidatedWithClearMessages() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> HeartbeatConfig.builder().interval(Duration.ZERO).build());
        assertEquals("heartbeat interval must be > 0 ms, was 0 ms", zero.getMessage());
        IllegalArgumentException liveness = assertThrows(IllegalArgumentException.class,
                () -> HeartbeatConfig.builder().liveness(0).build());
        assertEquals("heartbeat liveness must be between 1 and 1000, was 0", liveness.getMessage());
        assertEquals(Duration.ofMillis(7500), HeartbeatConfig.DEFAULT.expiry());
        assertEquals(Duration.ofMillis(300), config.toBuilder().intervalMillis(100).build().expiry());
    }
}
