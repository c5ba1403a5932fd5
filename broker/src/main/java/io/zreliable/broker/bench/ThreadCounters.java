package io.zreliable.broker.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and voluntary context switches of one process's JeroMQ I/O threads (named {@code iothread-N}), read from
 * {@code /proc/PID/task/TID/stat} and {@code status}: the figures that show JeroMQ's signaller spin (a busy I/O
 * thread with many switches per request while the application thread idles). Zero where there is no /proc.
 */
record ThreadCounters(long cpuTicks, long voluntarySwitches) {
    /** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on every Linux we run on). */
    static final double TICKS_PER_SECOND = 100.0;
    /** 1-based fields of /proc/PID/task/TID/stat: utime and stime (proc(5)). */
    private static final int UTIME_FIELD = 14;

    static ThreadCounters ioThreadsOf(long pid) {
        long ticks = 0;
        long switches = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    if (!Files.readString(task.resolve("comm")).startsWith("iothread-")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    // Field 2, the name, is in parentheses: count fields after it.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    ticks += Long.parseLong(fields[UTIME_FIELD - 3]) + Long.parseLong(fields[UTIME_FIELD - 2]);
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // The thread ended while we read it: it no longer counts.
                }
            }
        } catch (IOException e) {
            return new ThreadCounters(0, 0);
        }
        return new ThreadCounters(ticks, switches);
    }

    ThreadCounters minus(ThreadCounters earlier) {
        return new ThreadCounters(cpuTicks - earlier.cpuTicks, voluntarySwitches - earlier.voluntarySwitches);
    }

    double cpuSeconds() {
        return cpuTicks / TICKS_PER_SECOND;
    }
}
