package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameFuzzerTest {
    @Test
    void sameSeedSameMutationsAndNeverTheTemplateItself() {
        FrameFuzzer a = new FrameFuzzer(42);
        FrameFuzzer b = new FrameFuzzer(42);
        List<byte[]> template = new ArrayList<>(List.of(new byte[0], "MDPC01".getBytes(), "echo".getBytes()));
        for (int i = 0; i < 200; i++) {
            List<byte[]> x = a.mutate(template);
            List<byte[]> y = b.mutate(template);
            assertEquals(x.size(), y.size());
            for (int f = 0; f < x.size(); f++) {
                assertArrayEquals(x.get(f), y.get(f));
            }
            assertFalse(x.isEmpty());
            assertFalse(x.size() == 3 && java.util.Arrays.equals(x.get(1), template.get(1))
                    && java.util.Arrays.equals(x.get(0), template.get(0))
                    && java.util.Arrays.equals(x.get(2), template.get(2)), "mutation " + i + " changed nothing");
        }
    }
}
