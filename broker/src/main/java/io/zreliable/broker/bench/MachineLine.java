package io.zreliable.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The line a bench report starts with: cores, Java version and the process's Linux scheduling policy, because on a
 * small machine the policy alone changes the figures several times over (see the README's Performance section).
 */
final class MachineLine {
    private static final String[] POLICIES = {"normal", "fifo", "rr", "batch", "iso", "idle", "deadline"};
    /** 1-based field of /proc/PID/stat holding the scheduling policy (proc(5)). */
    private static final int POLICY_FIELD = 41;

    private MachineLine() {
    }

    static String describe() {
        return "# machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + Runtime.version().feature() + ", scheduling " + schedulingPolicy(Path.of("/proc/self/stat"));
    }

    /** The policy named in a /proc stat file, or "unknown" where there is none (not Linux) or it cannot be read. */
    static String schedulingPolicy(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // Field 2, the command name, is in parentheses and may contain spaces: count fields after it.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            int policy = Integer.parseInt(fields[POLICY_FIELD - 3]);
            return policy >= 0 && policy < POLICIES.length ? POLICIES[policy] : "policy " + policy;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
