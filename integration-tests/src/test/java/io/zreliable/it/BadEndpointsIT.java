package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Eventually;
import io.zreliable.common.LoopbackPorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar given endpoints it cannot use, as a user would run it. A client command gives up at once with
 * one {@code error:} line and exit 1; a long-running one keeps retrying, logs one WARN for the failure however often
 * it retries (the debug lines show the retries), prints no stack trace, and still stops cleanly on SIGTERM.
 */
class BadEndpointsIT {
    private static final Path JAR = Path.of(System.getProperty("zreliable.jar"));
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final String NOWHERE = "tcp://nope.invalid:5555";
    private static final String UNRESOLVED = "host 'nope.invalid' does not resolve";

    @TempDir
    Path dir;

    @Test
    void clientCommandsGiveUpWithOneLine() throws Exception {
        for (List<String> args : List.of(
                List.of("client", "--connect", NOWHERE, "hi"),
                List.of("client", "--async", "--timeout-ms", "300", "--retries", "1", "--connect", NOWHERE, "hi"),
                List.of("lpclient", "--connect", NOWHERE, "hi"),
                List.of("mmi", "--connect", NOWHERE, "echo"),
                List.of("ticlient", "--service", "echo", "--connect", NOWHERE, "hi"),
                List.of("bstar-client", "--connect", NOWHERE, "--connect", "tcp://nope.invalid:5556", "hi"))) {
            ProcessResult run = ZReliableProcess.run(JAR, args.toArray(String[]::new));
            assertEquals(1, run.exitCode(), args + ": " + run.output());
            assertEquals(1, run.output().lines().count(), args + ": one line, no stack trace: " + run.output());
            assertTrue(run.output().startsWith("error: ") && run.output().contains(UNRESOLVED),
                    args + ": " + run.output());
        }
    }

    @Test
    void malformedEndpointsAndAPortInUseAreOneLineToo() throws Exception {
        ProcessResult malformed = ZReliableProcess.run(JAR, "client", "--connect", "nope:5555", "hi");
        assertEquals(2, malformed.exitCode(), malformed.output());
        assertEquals("error: --connect is not a ZeroMQ endpoint (expected tcp://HOST:PORT, ipc://PATH or "
                + "inproc://NAME): nope:5555\n", malformed.output());

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
            ProcessResult queue = ZReliableProcess.run(JAR, "ppqueue", "--frontend", endpoint, "--backend",
                    LoopbackPorts.freeEndpoint());
            assertEquals(1, queue.exitCode(), queue.output());
            assertTrue(queue.output().endsWith("error: cannot bind frontend " + endpoint
                    + ": address already in use (EADDRINUSE)\n"), queue.output());
        }

        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        ProcessResult keygen = ZReliableProcess.run(JAR, "keygen", notADirectory.resolve("key").toString());
        assertEquals(1, keygen.exitCode(), keygen.output());
        assertTrue(keygen.output().startsWith("error: cannot write CURVE certificate"), keygen.output());
        assertEquals(1, keygen.output().lines().count(), keygen.output());
    }

    @Test
    void longRunningCommandsRetryWarningOnce() throws Exception {
        String local = LoopbackPorts.freeEndpoint();
        assertRetriesQuietly("ready, connecting to", "the worker for echo retries", "worker", "--connect", NOWHERE,
                "--reconnect-ms", "50");
        assertRetriesQuietly("ppworker started", "ppworker retries", "ppworker", "--connect", NOWHERE,
                "--reconnect-ms", "50", "--reconnect-max-ms", "100");
        assertRetriesQuietly("bstar-echo primary ready on", "binary star primary retries every heartbeat",
                "bstar-echo", "--role", "primary", "--bind", LoopbackPorts.freeEndpoint(), "--local", local,
                "--peer", NOWHERE, "--pair-heartbeat-ms", "100");
        assertRetriesQuietly("HA broker primary ready on", "binary star primary retries every heartbeat", "broker",
                "--bind", LoopbackPorts.freeEndpoint(), "--ha", "primary", "--ha-local", LoopbackPorts.freeEndpoint(),
                "--ha-peer", NOWHERE, "--pair-heartbeat-ms", "100");
        assertRetriesQuietly("Titanic ready on", "the worker for titanic.request retries", "titanic", "--connect",
                NOWHERE, "--store", dir.resolve("store").toString(), "--heartbeat-ms", "100");
    }

    /**
     * Starts {@code args} with debug logging, waits until it is up ({@code readyText}) and has retried the same
     * failure a few times, and checks that each WARN line was written once, that nothing printed a stack trace or an
     * ERROR, and that SIGTERM still stops it with exit 0.
     */
    private static void assertRetriesQuietly(String readyText, String retryText, String... args) throws Exception {
        String[] verbose = new String[args.length + 1];
        System.arraycopy(args, 0, verbose, 0, args.length);
        verbose[args.length] = "-v";
        String command = String.join(" ", args);
        try (ZReliableDaemon daemon = ZReliableDaemon.start(JAR, verbose)) {
            daemon.awaitOutput(readyText, STARTUP);
            Eventually.until(command + " retried three times", STARTUP,
                    () -> repeats(daemon.output(), retryText + " (again;") >= 3, daemon::output);
            String output = daemon.output();
            List<String> warnings = output.lines().filter(line -> line.contains(" WARN "))
                    .map(line -> line.substring(line.indexOf(" WARN "))).toList();
            assertEquals(1, repeats(output, " WARN ", UNRESOLVED, retryText), command + ": one WARN:\n" + output);
            assertEquals(warnings.size(), warnings.stream().distinct().count(),
                    command + ": no WARN line twice:\n" + output);
            assertFalse(output.contains("\tat "), command + ": no stack trace:\n" + output);
            assertFalse(output.contains(" ERROR "), command + ": nothing at ERROR:\n" + output);
            assertEquals(0, daemon.terminate(Duration.ofSeconds(30)), command + ":\n" + daemon.output());
        }
    }

    /** Lines of {@code output} that contain every one of {@code parts}. */
    private static long repeats(String output, String... parts) {
        return output.lines().filter(line -> List.of(parts).stream().allMatch(line::contains)).count();
    }
}
