package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The packaged jar, started as a real process the way a user starts it. */
class ExecutableIT {

    @Test
    void theJarRunsAndPrintsItsHelpAndVersion() throws Exception {
        Path jar = Path.of(System.getProperty("zreliable.jar"));
        assertTrue(Files.isRegularFile(jar), "built by the broker module: " + jar);

        ProcessResult help = ZReliableProcess.run(jar, "--help");
        assertEquals(0, help.exitCode(), help.output());
        assertTrue(help.output().startsWith("Usage: zreliable"), help.output());

        ProcessResult version = ZReliableProcess.run(jar, "--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("zreliable 0."), version.output());

        ProcessResult bad = ZReliableProcess.run(jar, "--bogus");
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("Unknown option: '--bogus'"), bad.output());
    }
}
