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
    void outageRunsFromTheFaultToTheFirstAnswerOfARequestSentAfterIt() {
        DrillLoad load = DrillLoad.echo("d");
        DrillLoad.Request before = load.send();
        long fault = System.nanoTime();
        assertEquals(-1, load.outageMillis(fault));
        load.replied(before, before.body()); // sent before the fault: does not end the outage
        assertEquals(-1, load.outageMillis(fault));
        DrillLoad.Request after = load.send();
        load.replied(after, after.body());
        assertTrue(load.outageMillis(fault) >= 0);
        assertEquals(1, load.answeredSentAfter(fault));
        assertEquals(2, load.answeredCount());
    }

    @Test
    void rejectsRequestsOfAnotherLoad() {
        DrillLoad.Request foreign = DrillLoad.echo("a").send();
        assertThrows(IllegalArgumentException.class, () -> DrillLoad.echo("b").failed(foreign));
    }
}
