package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void defaultsAreTheGuidesLazyPirateValues() {
        assertEquals(Duration.ofMillis(2500), RetryPolicy.DEFAULT.timeout());
        assertEquals(3, RetryPolicy.DEFAULT.attempts());
        assertEquals(Duration.ofMillis(7500), RetryPolicy.DEFAULT.worstCase());
    }

    @Test
    void badValuesAreRefusedWithMessages() {
        assertEquals("request attempts must be between 1 and 1000000, was 0",
                assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().attempts(0).build())
                        .getMessage());
        assertEquals("request timeout must be > 0 ms, was -1 ms",
                assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().timeoutMillis(-1).build())
                        .getMessage());
    }

    @Test
    void timeoutErrorSaysAttemptsAndEndpoints() {
        RequestTimeoutException e = new RequestTimeoutException("request to echo", 3,
                List.of("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5556"), 2500);
        assertEquals("request to echo: no reply after 3 attempt(s) of 2500 ms each, tried tcp://127.0.0.1:5555, "
                + "tcp://127.0.0.1:5556", e.getMessage());
        assertEquals(3, e.attempts());
    }

    @Test
    void endpointRingRotatesAndRemembersWhatWasTried() {
        EndpointRing ring = EndpointRing.of("tcp://127.0.0.1:1", "tcp://127.0.0.1:2", "tcp://127.0.0.1:3");
        assertEquals("tcp://127.0.0.1:1", ring.current());
        assertEquals("tcp://127.0.0.1:2", ring.advance());
        assertEquals("tcp://127.0.0.1:3", ring.advance());
        assertEquals("tcp://127.0.0.1:1", ring.advance());
        assertEquals(List.of("tcp://127.0.0.1:1", "tcp://127.0.0.1:2", "tcp://127.0.0.1:3"), ring.tried());
        ring.clearTried();
        assertEquals(List.of("tcp://127.0.0.1:1"), ring.tried());
        assertThrows(IllegalArgumentException.class, () -> EndpointRing.of("localhost:5555"));
        assertThrows(IllegalArgumentException.class, () -> new EndpointRing(List.of()));
    }
}
