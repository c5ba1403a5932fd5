package io.zreliable.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A long-running {@code java -jar zreliable.jar ARGS} child (queue, worker, broker) whose combined output goes to a
 * file, so a test can wait for a log line, kill it with SIGKILL or stop it with SIGTERM and still read everything
 * it printed (a pipe read by a thread can lose the last lines when the process exits).
 */
final class ZReliableDaemon implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ZReliableDaemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ZReliableDaemon start(Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command), args[0]);
    }

    /** {@code java JVM_OPTIONS -jar zreliable.jar ARGS}: a child with, say, a small heap cap. */
    static ZReliableDaemon startWithJvmOptions(Path jar, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        return start(new ProcessBuilder(command), args[0]);
    }

    /** The child's process id (the JVM's). */
    long pid() {
        return process.pid();
    }

    /**
     * Through the launcher script {@code scripts/zreliable} (its default heap cap and JVM options), which execs the
     * JVM: the child's pid is the JVM's.
     */
    static ZReliableDaemon startWithLauncher(Path launcher, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ZRELIABLE_JAR", jar.toString());
        builder.environment().put("JAVA", javaBinary());
        return start(builder, args[0]);
    }

    private static ZReliableDaemon start(ProcessBuilder builder, String name) throws IOException {
        Path log = Files.createTempFile("zreliable-" + name + "-", ".log");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ZReliableDaemon(name, process, log);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Resident memory of the process now ({@code VmRSS} in /proc), in bytes. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** Waits until the output contains {@code text}; fails with the output so far after {@code deadline}. */
    void awaitOutput(String text, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() - end > 0 || !process.isAlive() && !output().contains(text)) {
                throw new AssertionError(name + " never printed '" + text + "'; output so far:\n" + output());
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process dies at once, without closing anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    int terminate(Duration deadline) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not exit within " + deadline.toMillis() + " ms of SIGTERM");
        }
        return process.exitValue();
    }

    /** Kills the process if it still runs and deletes its output file. */
    @Override
    public void close() throws InterruptedException, IOException {
        if (process.isAlive()) {
            kill();
        }
        Files.deleteIfExists(log);
    }
}
