package io.zreliable.broker;

import static io.zreliable.broker.BstarCli.freeEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.binarystar.BinaryStar;
import io.zreliable.binarystar.BinaryStarConfig;
import io.zreliable.binarystar.BstarState;
import io.zreliable.binarystar.Role;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;

class BstarClientCommandTest {
    private final CliRun run = new CliRun();

    private static BinaryStar echo(ZContext ctx, Role role, String local, String peer, String voter) {
        BinaryStar star = new BinaryStar(ctx, BinaryStarConfig.builder().role(role).local(local).peer(peer)
                .heartbeatMillis(50).build());
        star.voter(voter, SocketType.ROUTER, (socket, request) -> request.send(socket));
        star.start();
        return star;
    }

    @Test
    void printsEachReplyFromTheActiveServer() {
        String p = freeEndpoint();
        String b = freeEndpoint();
        String pv = freeEndpoint();
        String bv = freeEndpoint();
        try (ZContext ctx = new ZContext();
             BinaryStar primary = echo(ctx, Role.PRIMARY, p, b, pv);
             BinaryStar backup = echo(ctx, Role.BACKUP, b, p, bv)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (primary.state() != BstarState.ACTIVE && System.nanoTime() < deadline) {
                LockSupport.parkNanos(2_000_000L);
            }
            assertEquals(0, run.execute("bstar-client", "--connect", pv, "--connect", bv, "--pair-heartbeat-ms", "50",
                    "--count", "3", "ping"), run.err.toString());
            assertEquals("ping-1%nping-2%nping-3%n".formatted(), run.out.toString());
        }
    }

    @Test
    void noServerIsAnErrorNamingBothEndpoints() {
        String a = freeEndpoint();
        String b = freeEndpoint();
        assertEquals(BstarClientCommand.EXIT_NO_REPLY, run.execute("bstar-client", "--connect", a, "--connect", b,
                "--timeout-ms", "50", "--retries", "2"));
        assertTrue(run.err.toString().startsWith("error: "), run.err.toString());
        assertTrue(run.err.toString().contains(a) && run.err.toString().contains(b), run.err.toString());
    }

    @Test
    void exactlyTwoEndpointsAreRequired() {
        assertEquals(2, run.execute("bstar-client", "--connect", "tcp://127.0.0.1:5001"));
        assertTrue(run.err.toString().contains("exactly two --connect endpoints"), run.err.toString());
    }
}
