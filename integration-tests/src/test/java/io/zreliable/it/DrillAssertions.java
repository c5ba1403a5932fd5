package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checks every drill makes on its load's summary. */
final class DrillAssertions {
    private DrillAssertions() {
    }

    /** Every request ended, none lost, none answered twice, no reply delivered to the wrong request. */
    static void assertClean(DrillLoad.Summary s) {
        assertEquals(0, s.pending(), "requests without an outcome: " + s);
        assertEquals(0, s.lost(), "lost: " + s);
        assertEquals(0, s.duplicated(), "duplicated: " + s);
        assertEquals(0, s.wrong(), "replies with another request's body: " + s);
        assertEquals(s.sent(), s.answered() + s.failed(), s.toString());
    }

    /** {@link #assertClean} and no client gave up on any request: every request was answered. */
    static void assertAllAnswered(DrillLoad.Summary s) {
        assertClean(s);
        assertEquals(0, s.failed(), "requests given up by the clients: " + s);
    }
}
