package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimerQueueTest {

    @Test
    void manyTimersFireInDeadlineOrderAndCancelledOnesNever() {
        ManualClock clock = new ManualClock();
        TimerQueue queue = new TimerQueue(clock);
        Random random = new Random(42);
        List<Long> fired = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long delay = random.nextInt(10_000);
            timers.add(queue.add(() -> fired.add(delay), delay, 0));
            expected.add(delay);
        }
        // Cancel every third timer, from all over the heap.
        for (int i = 0; i < timers.size(); i += 3) {
            timers.get(i).cancel();
            expected.set(i, null);
        }
        expected.removeIf(d -> d == null);
        expected.sort(Long::compare);
        assertEquals(expected.size(), queue.size());

        for (long t = 0; t <= 10_000; t += 7) {
            queue.runDue(t, (what, e) -> { throw e; });
        }
        assertEquals(expected, fired);
        assertEquals(0, queue.size());
    }

    @Test
    void aRepeatingTimerSkipsMissedPeriodsInsteadOfBursting() {
        ManualClock clock = new ManualClock();
        TimerQueue queue = new TimerQueue(clock);
        int[] runs = {0};
        queue.add(() -> runs[0]++, 10, 10);
        assertEquals(1, queue.runDue(55, (what, e) -> { throw e; }), "one run after a long stall, not five");
        assertEquals(0, queue.runDue(64, (what, e) -> { throw e; }));
        assertEquals(1, queue.runDue(65, (what, e) -> { throw e; }));
        assertEquals(2, runs[0]);
    }
}
