package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user unpacks it: its launcher finds Java (JAVA_HOME, else PATH, and says so when
 * there is none), passes JAVA_OPTS, caps the heap unless told otherwise, and works through a symbolic link; the
 * archive carries the sample configuration, the systemd unit and the Dockerfile (checked here for what they must
 * say; building the image or starting the unit needs an engine or systemd, which tests do not start).
 */
class DistributionIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("zreliable.dist"));
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    Path dir;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        assertTrue(Files.isRegularFile(ARCHIVE), "built by the dist module: " + ARCHIVE);
        Result tar = run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", dir.toString()), Map.of());
        assertEquals(0, tar.exit(), tar.output());
        try (var entries = Files.list(dir)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertTrue(home.getFileName().toString().startsWith("zreliable-"), home.toString());
    }

    @Test
    void theArchiveHoldsTheLauncherTheJarAndTheServiceFiles() throws IOException {
        assertTrue(Files.isExecutable(home.resolve("bin/zreliable")));
        for (String file : List.of("lib/zreliable.jar", "conf/zreliable.env", "systemd/zreliable.service",
                "Dockerfile", "LICENSE", "README.md", "CHANGELOG.md")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        String dockerfile = Files.readString(home.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("\nUSER zreliable\n"), "runs as a non-root user:\n" + dockerfile);
        assertTrue(dockerfile.contains("VOLUME [\"/var/lib/zreliable\"]"), "the store on a volume:\n" + dockerfile);
        assertTrue(dockerfile.contains("\"--store\", \"/var/lib/zreliable\""), dockerfile);
        String unit = Files.readString(home.resolve("systemd/zreliable.service"));
        assertTrue(unit.contains("\nUser=zreliable\n") && unit.contains("\nExecStart=/opt/zreliable/bin/zreliable ")
                && unit.contains("\nEnvironmentFile=/etc/zreliable/zreliable.env\n"), unit);
        assertTrue(Files.readString(home.resolve("conf/zreliable.env")).contains("\nZRELIABLE_ARGS=broker "));
    }

    @Test
    void theLauncherRunsTheJarWithJavaFromJavaHome() throws Exception {
        Result version = launcher(Map.of("JAVA_HOME", JAVA_HOME), "--version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("zreliable 0."), version.output());

        Path link = Files.createSymbolicLink(dir.resolve("zreliable"), home.resolve("bin/zreliable"));
        Result viaLink = run(List.of(link.toString(), "--version"), Map.of("JAVA_HOME", JAVA_HOME));
        assertEquals(0, viaLink.exit(), viaLink.output());
    }

    @Test
    void javaOptsArePassedAndTheHeapIsCappedUnlessTheySayOtherwise() throws Exception {
        Result capped = launcher(Map.of("JAVA_HOME", JAVA_HOME, "JAVA_OPTS", "-XshowSettings:vm"), "--version");
        assertEquals(0, capped.exit(), capped.output());
        assertTrue(capped.output().contains("Max. Heap Size: 512.00M"), capped.output());

        Result chosen = launcher(Map.of("JAVA_HOME", JAVA_HOME, "JAVA_OPTS", "-Xmx96m -XshowSettings:vm"),
                "--version");
        assertTrue(chosen.output().contains("Max. Heap Size: 96.00M"), chosen.output());

        Result heap = launcher(Map.of("JAVA_HOME", JAVA_HOME, "ZRELIABLE_HEAP", "128m",
                "JAVA_OPTS", "-XshowSettings:vm"), "--version");
        assertTrue(heap.output().contains("Max. Heap Size: 128.00M"), heap.output());
    }

    @Test
    void withoutJavaTheLauncherSaysWhatToDo() throws Exception {
        // A PATH with the tools the launcher uses and no java.
        Path tools = Files.createDirectory(dir.resolve("tools"));
        for (String tool : List.of("dirname", "readlink", "sed", "head")) {
            Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool));
        }
        Result none = run(List.of("/bin/sh", home.resolve("bin/zreliable").toString(), "--version"),
                Map.of("PATH", tools.toString()));
        assertEquals(1, none.exit(), none.output());
        assertEquals("zreliable: no java on PATH; install Java 17 or newer, or set JAVA_HOME\n", none.output());

        Result badHome = launcher(Map.of("JAVA_HOME", dir.resolve("no-such-jdk").toString()), "--version");
        assertEquals(1, badHome.exit(), badHome.output());
        assertTrue(badHome.output().startsWith("zreliable: JAVA_HOME is "), badHome.output());
    }

    private Result launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/zreliable").toString()));
        command.addAll(List.of(args));
        return run(command, env);
    }

    /** Runs {@code command} with this process's environment, without the launcher's variables, plus {@code env}. */
    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String name : List.of("JAVA_HOME", "JAVA_OPTS", "ZRELIABLE_HEAP")) {
            builder.environment().remove(name); // only what the test gives
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not exit within 60 s");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {
    }
}
