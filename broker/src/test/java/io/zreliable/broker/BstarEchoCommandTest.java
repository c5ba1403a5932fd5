package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BstarEchoCommandTest {

    private static final class Run {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        int execute(String... args) {
            CommandLine cli = ZReliableCommand.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute(args);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void roleIsRequiredAndExclusive() {
        Run run = new Run();
        assertEquals(2, run.execute("bstar-echo", "--bind", "tcp://127.0.0.1:5001", "--local", "tcp://127.0.0.1:5003",
                "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(run.err.toString().contains("--primary"), run.err.toString());

        Run both = new Run();
        assertEquals(2, both.execute("bstar-echo", "--primary", "--backup", "--bind", "tcp://127.0.0.1:5001",
                "--local", "tcp://127.0.0.1:5003", "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(both.err.toString().contains("mutually exclusive"), both.err.toString());
    }

    @Test
    void badValuesAreUsageErrorsWithAMessage() {
        Run run = new Run();
        assertEquals(2, run.execute("bstar-echo", "--primary", "--bind", "tcp://127.0.0.1:5001",
                "--local", "tcp://127.0.0.1:5003", "--peer", "tcp://127.0.0.1:5004", "--heartbeat-ms", "0"));
        assertTrue(run.err.toString().contains("error: binary star heartbeat must be > 0 ms, was 0 ms"),
                run.err.toString());

        Run endpoint = new Run();
        assertEquals(2, endpoint.execute("bstar-echo", "--backup", "--bind", "tcp://127.0.0.1:5001",
                "--local", "localhost:5003", "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(endpoint.err.toString().contains("is not a ZeroMQ endpoint"), endpoint.err.toString());
    }

    @Test
    void twoPrimariesBothExitNonZeroWithAClearMessage() throws Exception {
        int a = freePort();
        int b = freePort();
        Run one = new Run();
        Run two = new Run();
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> one.execute("bstar-echo", "--primary",
                "--bind", "tcp://127.0.0.1:" + freePort(), "--local", "tcp://127.0.0.1:" + a,
                "--peer", "tcp://127.0.0.1:" + b, "--heartbeat-ms", "50"));
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> two.execute("bstar-echo", "--primary",
                "--bind", "tcp://127.0.0.1:" + freePort(), "--local", "tcp://127.0.0.1:" + b,
                "--peer", "tcp://127.0.0.1:" + a, "--heartbeat-ms", "50"));
        assertEquals(BstarEchoCommand.EXIT_FATAL, first.get(10, TimeUnit.SECONDS));
        assertEquals(BstarEchoCommand.EXIT_FATAL, second.get(10, TimeUnit.SECONDS));
        for (Run run : new Run[] {one, two}) {
            assertTrue(run.err.toString().contains("error: fatal configuration error: both servers of the pair are "
                    + "configured as primary"), run.err.toString());
        }
    }
}
