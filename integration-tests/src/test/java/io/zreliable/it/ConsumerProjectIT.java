package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A user's project that depends on {@code zreliable-titanic}, built with Maven against the artifacts of this build
 * and run: it must compile, resolve MapDB's dependencies to the versions the project pins (not MapDB's open
 * ranges), and answer a request directly and through Titanic. The artifacts are laid out in a repository under
 * {@code target/} (the build's local repository is only read, as a tail), so nothing is installed anywhere shared.
 */
class ConsumerProjectIT {
    private static final Path ROOT = Path.of(System.getProperty("zreliable.root")).toAbsolutePath().normalize();
    private static final Path TARGET = Path.of(System.getProperty("zreliable.target")).toAbsolutePath();
    private static final Path LOCAL_REPOSITORY = Path.of(System.getProperty("zreliable.localRepository"));
    private static final Pattern PROPERTY = Pattern.compile("@([a-z0-9.-]+)@");

    @Test
    void aProjectUsingTitanicBuildsWithThePinnedVersionsAndRuns() throws Exception {
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        String version = property(rootPom, "version");
        Path repository = TARGET.resolve("consumer-repository");
        stage(repository, "zreliable-parent", version, ROOT.resolve("pom.xml"), null);
        for (String module : List.of("common", "majordomo", "titanic")) {
            Path jar = ROOT.resolve(module).resolve("target").resolve("zreliable-" + module + "-" + version + ".jar");
            stage(repository, "zreliable-" + module, version, ROOT.resolve(module).resolve("pom.xml"), jar);
        }
        Path project = TARGET.resolve("consumer-project");
        copyTemplate(project, rootPom, version);

        Path classpath = project.resolve("classpath.txt");
        Path dependencies = project.resolve("dependencies.txt");
        Result build = run(project, List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-f",
                project.resolve("pom.xml").toString(), "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + LOCAL_REPOSITORY, "package", "dependency:build-classpath",
                "-Dmdep.outputFile=" + classpath, "dependency:list", "-DoutputFile=" + dependencies), 600);
        assertEquals(0, build.exit(), build.output());

        String resolved = Files.readString(dependencies);
        for (String pinned : List.of("com.google.guava:guava:jar:" + property(rootPom, "guava.version"),
                "org.jetbrains.kotlin:kotlin-stdlib:jar:" + property(rootPom, "kotlin-stdlib.version"),
                "org.eclipse.collections:eclipse-collections:jar:" + property(rootPom, "eclipse-collections.version"),
                "org.mapdb:mapdb:jar:" + property(rootPom, "mapdb.version"))) {
            assertTrue(resolved.contains(pinned), pinned + " in:\n" + resolved);
        }

        Path store = Files.createTempDirectory(TARGET, "consumer-store-");
        Result program = run(project, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", project.resolve("target/classes") + java.io.File.pathSeparator
                        + Files.readString(classpath).trim(), "example.EchoThroughTitanic", store.toString()), 120);
        assertEquals(0, program.exit(), program.output());
        assertTrue(program.output().contains("direct: hello\n"), program.output());
        assertTrue(program.output().contains("titanic: stored\n"), program.output());
    }

    @Test
    void theReadmeShowsTheExampleAsItIsCompiled() throws IOException {
        String example;
        try (InputStream in = ConsumerProjectIT.class.getResourceAsStream(
                "/consumer/src/main/java/example/EchoThroughTitanic.java")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String body = example.substring(example.indexOf("/** A broker")).strip();
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains(body),
                "README's 'Use as a library' shows the consumer example as compiled:\n" + body);
    }

    /** {@code artifactId-version.pom} (and the jar) where a Maven repository keeps them. */
    private static void stage(Path repository, String artifactId, String version, Path pom, Path jar)
            throws IOException {
        Path directory = Files.createDirectories(repository.resolve("io/zreliable").resolve(artifactId)
                .resolve(version));
        Files.copy(pom, directory.resolve(artifactId + "-" + version + ".pom"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), "built by its module: " + jar);
            Files.copy(jar, directory.resolve(artifactId + "-" + version + ".jar"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The consumer project from the test resources, its {@code @name@} tokens replaced from the root POM. */
    private static void copyTemplate(Path project, String rootPom, String version) throws IOException {
        Files.createDirectories(project.resolve("src/main/java/example"));
        for (String file : List.of("pom.xml", "src/main/java/example/EchoThroughTitanic.java")) {
            String text;
            try (InputStream in = ConsumerProjectIT.class.getResourceAsStream("/consumer/" + file)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher token = PROPERTY.matcher(text);
            StringBuilder filled = new StringBuilder();
            while (token.find()) {
                String name = token.group(1);
                token.appendReplacement(filled, name.equals("zreliable.version") ? version : property(rootPom, name));
            }
            token.appendTail(filled);
            Files.writeString(project.resolve(file), filled.toString());
        }
    }

    /** A property of the root POM, or its own version for "version". */
    private static String property(String pom, String name) {
        Matcher value = Pattern.compile(name.equals("version") ? "<artifactId>zreliable-parent</artifactId>\\s*"
                + "<version>([^<]+)</version>" : "<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertTrue(value.find(), "the root pom.xml sets " + name);
        return value.group(1);
    }

    private static Result run(Path directory, List<String> command, long seconds) throws Exception {
        Path log = Files.createTempFile(TARGET, "consumer-", ".log");
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + seconds + " s:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }

    private record Result(int exit, String output) {
    }
}
