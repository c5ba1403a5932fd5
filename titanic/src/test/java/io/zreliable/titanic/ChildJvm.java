package io.zreliable.titanic;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running a test main class on the test classpath, so that tests can kill a real process (kill -9)
 * and hold OS file locks from another process. Its stdout lines are collected by a reader thread.
 */
final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ChildJvm(builder.start());
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process was killed
        } finally {
            lines.add(EOF);
        }
    }

    /** The next stdout line, or null if the child ended or nothing came within the timeout. */
    String nextLine(long timeoutMillis) throws InterruptedException {
        String line = lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (line == null || line.equals(EOF)) {
            if (line != null) {
                lines.add(EOF);
            }
            return null;
        }
        return line;
    }

    /** Waits (up to the timeout) for a line equal to {@code expected}; false if the child ended or timed out. */
    boolean awaitLine(String expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            String line = nextLine(deadline - System.currentTimeMillis());
            if (line == null) {
                return false;
            }
            if (line.equals(expected)) {
                return true;
            }
        }
        return false;
    }

    /** Lines already printed, without waiting (used after the child is dead). */
    List<String> drain() {
        List<String> out = new ArrayList<>();
        lines.drainTo(out);
        out.remove(EOF);
        return out;
    }

    /** kill -9: the JVM gets no chance to run shutdown hooks or close files. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Closes the child's stdin (a polite stop signal for the test mains). */
    void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    boolean waitFor(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Waits until the stdout reader has seen the end of the stream. */
    void awaitEndOfOutput(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline && !lines.contains(EOF)) {
            String line = lines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                lines.add(line);
                if (line.equals(EOF)) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
