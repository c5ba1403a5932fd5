package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The default decision when a JeroMQ or reactor thread fails, in a real process: ERROR, then exit status 1. */
class ContextsExitTest {
    @Test
    void aThreadFailureExitsTheProcessWithStatusOneDespiteShutdownHooks() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FatalExitProbe.class.getName()).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process exits");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(Contexts.EXIT_FATAL, process.exitValue(), output);
        assertTrue(output.contains("thread iothread-2 failed; exiting with status 1"), output);
    }
}
