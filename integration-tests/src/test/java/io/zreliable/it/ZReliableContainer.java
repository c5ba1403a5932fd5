package io.zreliable.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * One real process of a drill, in its own Docker container: {@code java -jar /zreliable.jar ARGS} (the packaged jar
 * copied in) on the HOST network, so it binds 127.0.0.1 ports that the test JVM reaches directly; no bridge, no
 * port mapping. The image is local and never pulled. Faults are real: {@link #kill()} is kill -9 of the process,
 * {@link #pause()} freezes it (cgroup freezer), {@link #stop()} sends SIGTERM, {@link #restart()} starts the very
 * same container again (same files, same command, same ports) and waits for its ready line once more.
 * Used from one test thread. {@link #close()} saves the container's whole log to {@code target/drill-logs} and
 * removes the container.
 */
final class ZReliableContainer implements AutoCloseable {
    private static final String JAR_IN_CONTAINER = "/zreliable.jar";
    /** Fast start and a small footprint: several JVMs share two cores with the build. */
    private static final List<String> JVM_OPTIONS =
            List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-Xss512k");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(30);
    private static final int STOP_GRACE_SECONDS = 20;

    /**
     * Containers not closed yet. Ryuk (Testcontainers' reaper) is off, so a test JVM that ends abnormally (a fork
     * timeout, an error in a test) removes what is left in a shutdown hook instead of leaving processes behind.
     */
    private static final Set<GenericContainer<?>> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(GenericContainer::stop),
                "drill-container-reaper"));
    }

    private final String name;
    private final GenericContainer<?> container;
    private final Pattern ready;
    private int starts;

    private ZReliableContainer(String name, GenericContainer<?> container, String readyRegex) {
        this.name = name;
        this.container = container;
        this.ready = Pattern.compile(readyRegex);
    }

    /** A long-running {@code zreliable ARGS} process that is ready when its log matches {@code readyRegex}. */
    static ZReliableContainer zreliable(String name, String readyRegex, String... args) {
        return new ZReliableContainer(name, jarContainer(args), readyRegex);
    }

    /**
     * A long-running {@code java -cp /app MAIN ARGS} process from one compiled test class (no nested classes), for
     * the harness's self-test before the product has long-running commands of its own.
     */
    static ZReliableContainer testMain(String name, Class<?> main, String readyRegex, String... args) {
        String classFile = main.getName().replace('.', '/') + ".class";
        Path compiled = codeSource(main).resolve(classFile);
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", "/app", main.getName()));
        command.addAll(List.of(args));
        GenericContainer<?> container = base()
                .withCopyFileToContainer(MountableFile.forHostPath(compiled), "/app/" + classFile)
                .withCommand(command.toArray(String[]::new));
        return new ZReliableContainer(name, container, readyRegex);
    }

    /** Runs {@code zreliable ARGS} to completion in a container: exit code and combined output. */
    static ProcessResult run(String... args) {
        GenericContainer<?> container = jarContainer(args).withStartupCheckStrategy(new UntilExited());
        LIVE.add(container);
        try (container) {
            container.start();
            InspectContainerResponse.ContainerState state = inspect(container.getContainerId()).getState();
            return new ProcessResult(state.getExitCodeLong().intValue(), container.getLogs());
        } finally {
            LIVE.remove(container);
        }
    }

    @SuppressWarnings("resource") // closed by the caller through the owning object
    private static GenericContainer<?> jarContainer(String... args) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", JAR_IN_CONTAINER));
        command.addAll(List.of(args));
        return base()
                .withCopyFileToContainer(MountableFile.forHostPath(Drills.jar()), JAR_IN_CONTAINER)
                .withCommand(command.toArray(String[]::new));
    }

    @SuppressWarnings("resource")
    private static GenericContainer<?> base() {
        return new GenericContainer<>(DockerImageName.parse(Drills.image()))
                .withImagePullPolicy(image -> false) // local image only: never contact a registry
                .withNetworkMode("host");             // loopback endpoints of the host, no bridge network
    }

    /** Creates and starts the container and waits for the first ready line. */
    ZReliableContainer start() {
        container.waitingFor(Wait.forLogMessage("(?s).*(" + ready.pattern() + ").*", 1)
                .withStartupTimeout(READY_TIMEOUT));
        LIVE.add(container);
        container.start();
        starts = 1;
        return this;
    }

    /** kill -9 of the process (no shutdown hook runs); returns the exit code (137). */
    int kill() {
        return signalAndAwaitExit("KILL");
    }

    /** SIGTERM, then waits for the exit (SIGKILL only after a long grace period); returns the exit code. */
    int stop() {
        docker().stopContainerCmd(id()).withTimeout(STOP_GRACE_SECONDS).exec();
        awaitExited();
        return exitCode();
    }

    /** Freezes every process of the container (docker pause): sockets stay open, nothing answers. */
    void pause() {
        docker().pauseContainerCmd(id()).exec();
        Drills.await(STATE_TIMEOUT, () -> name + " paused", this::isPaused);
    }

    void unpause() {
        docker().unpauseContainerCmd(id()).exec();
        Drills.await(STATE_TIMEOUT, () -> name + " unpaused", () -> !isPaused());
    }

    /** Starts the exited container again (same command, files and ports) and waits for its next ready line. */
    void restart() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is still running; kill() or stop() it first");
        }
        docker().startContainerCmd(id()).exec();
        starts++;
        awaitReadyLines(starts);
    }

    /** Waits until the log holds {@code count} ready lines (one per start, kept across restarts). */
    void awaitReadyLines(int count) {
        Drills.await(READY_TIMEOUT, () -> name + " ready " + count + " time(s); log:\n" + logs(),
                () -> count(ready, logs()) >= count);
    }

    /** Waits until the log (all runs) matches {@code regex} at least {@code count} times. */
    void awaitLog(String regex, int count, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        Drills.await(timeout, () -> name + " log matching '" + regex + "' x" + count + "; log:\n" + logs(),
                () -> count(pattern, logs()) >= count);
    }

    boolean isRunning() {
        return Boolean.TRUE.equals(inspect(id()).getState().getRunning());
    }

    boolean isPaused() {
        return Boolean.TRUE.equals(inspect(id()).getState().getPaused());
    }

    int exitCode() {
        return inspect(id()).getState().getExitCodeLong().intValue();
    }

    /** stdout and stderr of every run of this container so far. */
    String logs() {
        return container.getLogs();
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            if (container.getContainerId() != null) {
                saveLogs();
            }
        } finally {
            container.stop(); // kills and removes the container
            LIVE.remove(container);
        }
    }

    /** Closes every container (saving its log), even when one fails; rethrows the first failure. */
    static void closeAll(List<ZReliableContainer> containers) {
        RuntimeException first = null;
        for (ZReliableContainer container : containers) {
            try {
                container.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private int signalAndAwaitExit(String signal) {
        docker().killContainerCmd(id()).withSignal(signal).exec();
        awaitExited();
        return exitCode();
    }

    private void awaitExited() {
        Drills.await(STATE_TIMEOUT, () -> name + " exited", () -> !isRunning());
    }

    private void saveLogs() {
        try {
            Path dir = Files.createDirectories(Drills.logDirectory());
            Files.writeString(dir.resolve(name + "-" + id().substring(0, 12) + ".log"), logs(),
                    StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            System.err.println("could not save the log of " + name + ": " + e);
        }
    }

    private String id() {
        String id = container.getContainerId();
        if (id == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return id;
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static InspectContainerResponse inspect(String id) {
        return docker().inspectContainerCmd(id).exec();
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Start-up of a one-shot command is complete when the process has exited, whatever its exit code. */
    private static final class UntilExited extends StartupCheckStrategy {
        UntilExited() {
            withTimeout(READY_TIMEOUT);
        }

        @Override
        public StartupStatus checkStartupState(DockerClient client, String containerId) {
            InspectContainerResponse.ContainerState state = client.inspectContainerCmd(containerId).exec().getState();
            return Boolean.TRUE.equals(state.getRunning()) ? StartupStatus.NOT_YET_KNOWN : StartupStatus.SUCCESSFUL;
        }
    }
}
