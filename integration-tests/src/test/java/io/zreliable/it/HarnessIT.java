package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Self-test of the drill harness against real containers: the packaged jar runs in the local image, and a process
 * that serves a loopback port is killed -9, frozen, restarted on the same port and stopped with SIGTERM.
 */
@ExtendWith(DockerGate.class)
class HarnessIT {

    @Test
    void theJarRunsInTheDrillImage() {
        ProcessResult version = ZReliableContainer.run("--version");
        assertEquals(0, version.exitCode(), version.output());
        assertTrue(version.output().startsWith("zreliable 0."), version.output());

        ProcessResult bad = ZReliableContainer.run("--bogus");
        assertEquals(2, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("Unknown option: '--bogus'"), bad.output());
    }

    @Test
    void aServingProcessIsKilledFrozenRestartedAndStopped() throws Exception {
        int port = Drills.freeLoopbackPort();
        try (ZReliableContainer echo = ZReliableContainer.testMain("echo", LoopbackEcho.class,
                "echo ready on port " + port, Integer.toString(port)).start()) {
            assertEquals("one", ask(port, "one", Duration.ofSeconds(10)));

            // Frozen: the kernel still accepts the connection, but nothing ever answers.
            echo.pause();
            assertThrows(SocketTimeoutException.class, () -> ask(port, "frozen", Duration.ofMillis(300)));
            echo.unpause();
            assertEquals("two", ask(port, "two", Duration.ofSeconds(10)));

            // kill -9: the process is gone at once, nothing listens on the port any more.
            assertEquals(137, echo.kill());
            assertFalse(echo.isRunning());
            assertThrows(ConnectException.class, () -> ask(port, "dead", Duration.ofSeconds(10)));
            assertFalse(echo.logs().contains("echo stopping"), "kill -9 runs no shutdown hook");

            // Same container, same port, ready once more.
            echo.restart();
            assertEquals("three", ask(port, "three", Duration.ofSeconds(10)));

            // SIGTERM: the JVM runs its shutdown hooks and exits with 128 + 15.
            assertEquals(143, echo.stop());
            echo.awaitLog("echo stopping", 1, Duration.ofSeconds(10));
        }
    }

    private static String ask(int port, String line, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.println(line);
            return in.readLine();
        }
    }
}
