package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

class IoThreadSchedulingTest {
    /** SCHED_BATCH in field 41 of /proc/PID/task/TID/stat (proc(5), sched(7)). */
    private static final int SCHED_BATCH = 3;

    @AfterEach
    void off() {
        IoThreadScheduling.enable(false);
    }

    @Test
    void aContextCreatedWhileEnabledHasItsIoThreadUnderSchedBatch() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        assumeTrue(new ProcessBuilder("chrt", "--help").start().waitFor() == 0, "chrt (util-linux)");
        List<String> before = ioThreads();
        IoThreadScheduling.enable(true);
        try (ZContext context = Contexts.create()) {
            List<String> started = ioThreads();
            started.removeAll(before);
            assertFalse(started.isEmpty(), "the context's I/O thread was started");
            for (String tid : started) {
                assertEquals(SCHED_BATCH, policy(tid), "I/O thread " + tid);
            }
            assertEquals(0, policy("self"), "the rest of the process keeps the default policy");
        }
    }

    @Test
    void disabledItLeavesTheIoThreadsAlone() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        List<String> before = ioThreads();
        try (ZContext context = Contexts.create()) {
            context.destroySocket(context.createSocket(org.zeromq.SocketType.PAIR));
            List<String> started = new ArrayList<>();
            Eventually.until("the context's I/O thread shows its name", Duration.ofSeconds(10), () -> {
                started.clear();
                started.addAll(uncheckedIoThreads());
                started.removeAll(before);
                return !started.isEmpty();
            });
            for (String tid : started) {
                assertEquals(0, policy(tid), "I/O thread " + tid);
            }
        }
    }

    private static List<String> uncheckedIoThreads() {
        try {
            return ioThreads();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> ioThreads() throws IOException {
        List<String> tids = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("iothread-")) {
                        tids.add(task.getFileName().toString());
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        }
        return tids;
    }

    private static int policy(String tid) throws IOException {
        Path stat = "self".equals(tid) ? Path.of("/proc/thread-self/stat") : Path.of("/proc/self/task", tid, "stat");
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[41 - 3]);
    }
}
