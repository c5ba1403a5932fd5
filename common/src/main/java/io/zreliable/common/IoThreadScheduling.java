package io.zreliable.common;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs JeroMQ's I/O threads (named {@code iothread-N}) under Linux's {@code SCHED_BATCH}, the rest of the process
 * unchanged.
 *
 * <p>Why: JeroMQ 0.6.0's signaller writes a wake-up byte before it counts it. When an application thread sends, the
 * write wakes the context's I/O thread, which, under the default policy, may preempt the sender on its own core
 * between the two steps; the I/O thread then finds a readable descriptor and no signal and polls again and again
 * until the sender runs: on two cores a whole core burnt and the broker's thread starved. Linux never lets a woken
 * {@code SCHED_BATCH} thread preempt the running one, so the sender finishes its count first. Only the I/O threads
 * are changed: a Titanic store's commit thread, woken by its disk, keeps taking the core at once (a whole process
 * under {@code chrt --batch} pays for that in tail latency).
 *
 * <p>Off unless enabled ({@link #enable}), which the {@code zreliable} executable does unless the environment
 * variable {@value #ENVIRONMENT} is {@code normal}; a no-op where {@code /proc} or {@code chrt} (util-linux) is
 * missing, which is logged once. Each thread is changed once ({@code chrt --batch -p 0 TID}, a child process).
 * Any thread.
 */
public final class IoThreadScheduling {
    /** {@code batch} (the executable's default) or {@code normal} (leave JeroMQ's threads alone). */
    public static final String ENVIRONMENT = "ZRELIABLE_IO_SCHED";
    private static final Logger LOG = LoggerFactory.getLogger(IoThreadScheduling.class);
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final String IO_THREAD_PREFIX = "iothread-";
    private static final long CHRT_TIMEOUT_SECONDS = 10;
    /** How long to wait for a started I/O thread to show its name. */
    private static final long APPEAR_MILLIS = 1000;

    private static volatile boolean enabled;
    private static final Set<String> DONE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private IoThreadScheduling() {
    }

    /** Turns it on or off for contexts created from now on (see {@link Contexts#create()}). */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** On unless {@value #ENVIRONMENT} says {@code normal}: what the executable calls first. */
    public static void enableUnlessTurnedOff() {
        String setting = System.getenv(ENVIRONMENT);
        enable(setting == null || !setting.trim().toLowerCase(Locale.ROOT).equals("normal"));
    }

    public static boolean enabled() {
        return enabled;
    }

    /**
     * Moves the I/O threads not moved yet to SCHED_BATCH, waiting (at most {@value #APPEAR_MILLIS} ms) until
     * {@code expected} of them have appeared: a thread takes its name in /proc only once it runs, a moment after
     * JeroMQ started it. Returns how many it moved; 0 when disabled.
     */
    static int applyToNewIoThreads(int expected) {
        if (!enabled || !Files.isDirectory(TASKS)) {
            return 0;
        }
        long deadline = System.nanoTime() + APPEAR_MILLIS * 1_000_000L;
        int seen = 0;
        int moved = 0;
        while (seen < expected && System.nanoTime() - deadline < 0) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path task : tasks) {
                    String tid = task.getFileName().toString();
                    if (!DONE.contains(tid) && isIoThread(task) && DONE.add(tid)) {
                        seen++;
                        moved += batch(tid) ? 1 : 0;
                    }
                }
            } catch (IOException e) {
                warnOnce("cannot list " + TASKS + ": " + e);
                return moved;
            }
            if (seen < expected) {
                LockSupport.parkNanos(1_000_000L);
            }
        }
        return moved;
    }

    private static boolean isIoThread(Path task) {
        try {
            return Files.readString(task.resolve("comm")).startsWith(IO_THREAD_PREFIX);
        } catch (IOException e) {
            return false; // the thread ended meanwhile
        }
    }

    private static boolean batch(String tid) {
        try {
            Process chrt = new ProcessBuilder("chrt", "--batch", "-p", "0", tid).redirectErrorStream(true).start();
            if (!chrt.waitFor(CHRT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chrt.destroyForcibly();
                warnOnce("chrt did not finish within " + CHRT_TIMEOUT_SECONDS + " s");
                return false;
            }
            String output = new String(chrt.getInputStream().readAllBytes()).trim();
            if (chrt.exitValue() != 0) {
                warnOnce("chrt --batch -p 0 " + tid + " failed: " + output);
                return false;
            }
            return true;
        } catch (IOException e) {
            warnOnce("chrt (util-linux) is not available: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void warnOnce(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("JeroMQ I/O threads keep the default scheduling policy ({}); set {}=normal to skip this",
                    why, ENVIRONMENT);
        }
    }
}
