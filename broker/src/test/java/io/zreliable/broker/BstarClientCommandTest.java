package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.binarystar.BinaryStar;
import io.zreliable.binarystar.BinaryStarConfig;
import io.zreliable.binarystar.BstarState;
import io.zreliable.binarystar.Role;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import picocli.CommandLine;

class BstarClientCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ZReliableCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BinaryStar echo(ZContext ctx, Role role, int local, int peer, int voter) {
        BinaryStar star = new BinaryStar(ctx, BinaryStarConfig.builder().role(role)
                .local("tcp://127.0.0.1:" + local).peer("tcp://127.0.0.1:" + peer).heartbeatMillis(50).build());
        star.voter("tcp://127.0.0.1:" + voter, SocketType.ROUTER, (socket, request) -> request.send(socket));
        star.start();
        return star;
    }

    @Test
    void printsEachReplyFromTheActiveServer() {
        int p = freePort();
        int b = freePort();
        int pv = freePort();
        int bv = freePort();
        try (ZContext ctx = new ZContext();
             BinaryStar primary = echo(ctx, Role.PRIMARY, p, b, pv);
             BinaryStar backup = echo(ctx, Role.BACKUP, b, p, bv)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (primary.state() != BstarState.ACTIVE && System.nanoTime() < deadline) {
                LockSupport.parkNanos(2_000_000L);
            }
            assertEquals(0, run("bstar-client", "--connect", "tcp://127.0.0.1:" + pv,
                    "--connect", "tcp://127.0.0.1:" + bv, "--heartbeat-ms", "50", "--count", "3", "ping"),
                    err.toString());
            assertEquals("ping-1%nping-2%nping-3%n".formatted(), out.toString());
        }
    }

    @Test
    void noServerIsAnErrorNamingBothEndpoints() {
        String a = "tcp://127.0.0.1:" + freePort();
        String b = "tcp://127.0.0.1:" + freePort();
        assertEquals(BstarClientCommand.EXIT_NO_REPLY, run("bstar-client", "--connect", a, "--connect", b,
                "--timeout-ms", "50", "--retries", "2"));
        assertTrue(err.toString().startsWith("error: "), err.toString());
        assertTrue(err.toString().contains(a) && err.toString().contains(b), err.toString());
    }

    @Test
    void exactlyTwoEndpointsAreRequired() {
        assertEquals(2, run("bstar-client", "--connect", "tcp://127.0.0.1:5001"));
        assertTrue(err.toString().contains("exactly two --connect endpoints"), err.toString());
    }
}
