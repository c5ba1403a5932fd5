package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DrillLoadTest {

    @Test
    void countsEachRequestByWhatTheApplicationWasTold() {
        DrillLoad load = DrillLoad.echo("d");
        DrillLoad.Request answered = load.send();
        DrillLoad.Request twice = load.send();
        DrillLoad.Request misrouted = load.send();
        DrillLoad.Request ackedOnly = load.send();
        DrillLoad.Request failed = load.send();
        DrillLoad.Request pending = load.send();

        assertEquals("d-1", answered.text());
        load.replied(answered, answered.body());
        load.replied(twice, twice.body());
        load.replied(twice, twice.body());
        load.replied(misrouted, answered.body()); // told success, but with another request's reply
        load.acknowledged(ackedOnly);             // accepted (Titanic) and never answered
        load.failed(failed);

        DrillLoad.Summary s = load.summary();
        assertEquals(6, s.sent());
        assertEquals(2, s.answered());
        assertEquals(1, s.duplicated());
        assertEquals(2, s.lost());
        assertEquals(1, s.wrong());
        assertEquals(1, s.failed());
        assertEquals(1, s.pending());
        assertTrue(pending.id() > 0);
    }

    @Test
    void aLateCorrectReplyAfterAWrongOneStillCountsAsAnswered() {
        DrillLoad load = DrillLoad.echo("d");
        DrillLoad.Request request = load.send();
        load.replied(request, "other".getBytes(StandardCharsets.UTF_8));
        load.replied(request, request.body());
        DrillLoad.Summary s = load.summary();
        assertEquals(1, s.answered());
        assertEquals(0, s.lost());
        assertEquals(1, s.wrong());
    }

    @Test
    void outageIsTheLongestSilenceBetweenAnswersAroundTheFault() {
        long[] now = {1_000_000_000L};
        DrillLoad load = new DrillLoad("d", body -> body, () -> now[0]);
        DrillLoad.Request a = load.send();
        DrillLoad.Request b = load.send();
        DrillLoad.Request c = load.send();
        DrillLoad.Request d = load.send();
        now[0] += ms(10);
        load.replied(a, a.body());
        long fault = now[0] + ms(10);
        assertEquals(-1, load.outageMillis(fault), "nothing answered after the fault yet");
        now[0] += ms(500);
        load.replied(b, b.body());  // 500 ms after the last answer before the fault
        now[0] += ms(20);
        load.replied(c, c.body());
        now[0] += ms(700);
        load.replied(d, d.body());  // a longer silence after the fault counts too
        assertEquals(700, load.outageMillis(fault));
        assertEquals(500, load.outageMillis(fault, now[0] - ms(1)), "answers after the bound do not count");
        assertEquals(1230, load.longestWaitMillis());
        assertEquals(4, load.answeredSentAfter(1_000_000_000L));
        assertEquals(0, load.answeredSentAfter(1_000_000_001L));
        assertEquals(4, load.answeredCount());
    }

    @Test
    void outageOfALoadFirstAnsweredAfterTheFaultRunsFromTheFault() {
        long[] now = {5_000_000_000L};
        DrillLoad load = new DrillLoad("d", body -> body, () -> now[0]);
        long fault = now[0];
        DrillLoad.Request a = load.send();
        now[0] += ms(42);
        load.replied(a, a.body());
        assertEquals(42, load.outageMillis(fault));
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    @Test
    void rejectsRequestsOfAnotherLoad() {
        DrillLoad.Request foreign = DrillLoad.echo("a").send();
        assertThrows(IllegalArgumentException.class, () -> DrillLoad.echo("b").failed(foreign));
    }
}
