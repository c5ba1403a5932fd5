package io.zreliable.broker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineLineTest {
    /** A /proc/PID/stat line: 52 fields, the command name with a space and a parenthesis in it. */
    private static String stat(int policy) {
        StringBuilder line = new StringBuilder("4242 (java (x) y) S");
        for (int field = 4; field <= 52; field++) {
            line.append(' ').append(field == 41 ? policy : field);
        }
        return line.append('\n').toString();
    }

    @Test
    void readsThePolicyFieldAfterACommandNameWithSpacesAndParentheses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("stat");
        Files.writeString(file, stat(3));
        assertEquals("batch", MachineLine.schedulingPolicy(file));
        Files.writeString(file, stat(0));
        assertEquals("normal", MachineLine.schedulingPolicy(file));
        Files.writeString(file, stat(9));
        assertEquals("policy 9", MachineLine.schedulingPolicy(file));
    }

    @Test
    void saysUnknownWhenThereIsNothingToRead(@TempDir Path dir) throws Exception {
        assertEquals("unknown", MachineLine.schedulingPolicy(dir.resolve("missing")));
        Path garbage = dir.resolve("garbage");
        Files.writeString(garbage, "not a stat line");
        assertEquals("unknown", MachineLine.schedulingPolicy(garbage));
    }

    @Test
    void describesThisProcess() {
        String line = MachineLine.describe();
        assertTrue(line.startsWith("# machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "), line);
        assertTrue(line.contains(", scheduling "), line);
    }
}
