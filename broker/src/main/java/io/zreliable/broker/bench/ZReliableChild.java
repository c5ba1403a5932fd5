package io.zreliable.broker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@code zreliable} command in a child JVM (same Java, same class path), so a benchmark can kill a real process.
 * Its stdout and stderr are read by a daemon thread; the last lines are kept for error messages.
 */
final class ZReliableChild implements AutoCloseable {
    private static final int KEPT_LINES = 50;

    private final String name;
    private final Process process;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();

    private ZReliableChild(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::readOutput, "bench-child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static ZReliableChild start(String name, String... args) throws IOException {
        return start(name, List.of(), List.of(), Map.of(), args);
    }

    /**
     * With {@code launcher} words before the JVM (e.g. {@code chrt --batch 0}, which execs it, so the pid stays the
     * JVM's), {@code jvmOptions} after it, and {@code environment} added to ours.
     */
    static ZReliableChild start(String name, List<String> launcher, List<String> jvmOptions,
            Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.zreliable.broker.Main");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ZReliableChild(name, builder.start());
    }

    /** Waits until the child printed a line containing {@code text}; fails with its last lines if it does not. */
    void awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lastLines) {
            while (lastLines.stream().noneMatch(line -> line.contains(text))) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && lastLines.stream().noneMatch(line -> line.contains(text))) {
                    throw new IllegalStateException(name + " did not print '" + text + "' within "
                            + timeout.toMillis() + " ms; its last lines:\n  " + String.join("\n  ", lastLines));
                }
                TimeUnit.NANOSECONDS.timedWait(lastLines, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the child to exit on its own; returns its exit code, or fails with its last lines. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not exit within " + timeout.toMillis() + " ms; its last "
                    + "lines:\n  " + String.join("\n  ", lastLines()));
        }
        return process.exitValue();
    }

    /** The last lines the child printed, oldest first. */
    List<String> lastLines() {
        synchronized (lastLines) {
            return List.copyOf(lastLines);
        }
    }

    /** kill -9: the process gets no chance to say goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private void readOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lastLines) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(line);
                    lastLines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The child is gone; its last lines are what we have.
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
