package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client command given an endpoint whose host does not resolve, or a malformed one, ends at once with one
 * {@code error:} line: exit 1 when the endpoint cannot be reached, 2 when it is malformed. The long-running commands
 * retry instead (see {@code BadEndpointsIT}, which runs them as processes and reads their logs).
 */
class BadEndpointCommandsTest {
    /** A hang guard, not a speed target: a command that gives up at once finishes far sooner. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);
    private static final String NOWHERE = "tcp://nope.invalid:5555";
    private static final String NOWHERE_TOO = "tcp://nope-too.invalid:5556";

    @TempDir
    Path dir;

    @Test
    void everyClientGivesUpOnAnUnresolvableHostWithOneLine() {
        assertUnreachable("client", "--connect", NOWHERE, "hi");
        assertUnreachable("client", "--async", "--timeout-ms", "300", "--retries", "1", "--connect", NOWHERE, "hi");
        assertUnreachable("client", "--async", "--count", "50", "--in-flight", "4", "--connect", NOWHERE, "hi");
        assertUnreachable("lpclient", "--connect", NOWHERE, "hi");
        assertUnreachable("mmi", "--connect", NOWHERE, "echo");
        assertUnreachable("ticlient", "--service", "echo", "--connect", NOWHERE, "hi");
        assertUnreachable("bstar-client", "--connect", NOWHERE, "--connect", NOWHERE_TOO, "hi");
    }

    @Test
    void malformedEndpointsAreUsageErrorsNamingTheFlag() {
        assertUsage("--connect is not a ZeroMQ endpoint", "client", "--connect", "nope:5555", "hi");
        assertUsage("--connect is not a ZeroMQ endpoint", "lpclient", "--connect", "", "hi");
        assertUsage("--connect has port 0 out of range", "mmi", "--connect", "tcp://127.0.0.1:0", "echo");
        assertUsage("--connect is not a ZeroMQ endpoint", "ticlient", "--service", "echo", "--connect", "x", "hi");
        assertUsage("--connect is not a ZeroMQ endpoint", "worker", "--connect", "tcp:/x:1");
        assertUsage("--connect is not a ZeroMQ endpoint", "ppworker", "--connect", "5556");
        assertUsage("--connect is not a ZeroMQ endpoint", "bstar-client", "--connect", "a", "--connect", "b");
        assertUsage("--peer is not a ZeroMQ endpoint", "bstar-echo", "--primary", "--bind", "tcp://127.0.0.1:1",
                "--local", "tcp://127.0.0.1:2", "--peer", "peer:5004");
        assertUsage("--ha-peer is not a ZeroMQ endpoint", "broker", "--bind", "tcp://127.0.0.1:1", "--ha",
                "primary", "--ha-local", "tcp://127.0.0.1:2", "--ha-peer", "backup");
        assertUsage("--connect is not a ZeroMQ endpoint", "titanic", "--store", dir.toString(), "--connect", "x");
    }

    @Test
    void valuesThatCannotWorkAreRefusedNamingTheFlag() {
        assertUsage("--bind inproc://x is reachable only from inside this process", "broker", "--bind",
                "inproc://x");
        assertUsage("--frontend inproc://q is reachable only from inside this process", "ppqueue", "--frontend",
                "inproc://q");
        assertUsage("--store must name a directory, was empty", "titanic", "--store", "");
        assertUsage("--store must name a directory, was empty", "broker", "--bind", "tcp://127.0.0.1:*",
                "--titanic", "--store", "");
        assertUsage("--store applies only with --titanic", "broker", "--store", dir.toString());
        assertUsage("--service must name a service, was empty", "client", "--service", "", "hi");
        assertUsage("--service must be at most 255 bytes, was 256", "client", "--service", "s".repeat(256), "hi");
        assertUsage("--service must be at most 255 bytes, was 256", "worker", "--service", "é".repeat(128));
        assertUsage("--in-flight applies only with --async", "client", "--in-flight", "4", "hi");
        assertUsage("--max-queue must be > 0, was 0", "broker", "--max-queue", "0");
        assertUsage("--timeout-ms must be > 0, was 0", "client", "--timeout-ms", "0", "hi");
        assertUsage("--reconnect-ms must be > 0, was -1", "worker", "--reconnect-ms", "-1");
    }

    @Test
    void keygenIntoAnUnwritablePathExitsOneWithTheReason() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        CliRun run = new CliRun();
        assertEquals(1, run.execute("keygen", file.resolve("key").toString()));
        assertOneErrorLine(run, "error: cannot write CURVE certificate " + file.resolve("key") + ": ");
    }

    private static void assertUnreachable(String... args) {
        CliRun run = new CliRun();
        int exit = assertTimeoutPreemptively(HANG_GUARD, () -> run.execute(args), String.join(" ", args));
        assertEquals(ZReliableCommand.EXIT_UNREACHABLE, exit, run.err.toString());
        assertOneErrorLine(run, "error: ");
        assertTrue(run.err.toString().contains("host 'nope.invalid' does not resolve"), run.err.toString());
    }

    private static void assertUsage(String message, String... args) {
        CliRun run = new CliRun();
        int exit = assertTimeoutPreemptively(HANG_GUARD, () -> run.execute(args), String.join(" ", args));
        assertEquals(ZReliableCommand.EXIT_USAGE, exit, String.join(" ", args) + ": " + run.err);
        assertOneErrorLine(run, "error: " + message);
    }

    private static void assertOneErrorLine(CliRun run, String prefix) {
        String err = run.err.toString();
        assertTrue(err.startsWith(prefix), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
    }
}
