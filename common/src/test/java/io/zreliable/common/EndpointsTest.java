package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class EndpointsTest {

    @Test
    void acceptsTheEndpointsZeroMqKnows() {
        for (String ok : new String[] {"tcp://127.0.0.1:5555", "tcp://*:5555", "tcp://localhost:*",
            "tcp://[::1]:5555", "ipc:///tmp/zr.sock", "inproc://broker"}) {
            assertEquals(ok, Endpoints.require(ok, "--bind"));
        }
    }

    @Test
    void refusesTyposWithAMessageNamingTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.require("127.0.0.1:5555", "--bind"));
        assertEquals("--bind is not a ZeroMQ endpoint (expected tcp://HOST:PORT, ipc://PATH or inproc://NAME): "
                + "127.0.0.1:5555", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require("tcp://127.0.0.1:70000", "--bind"));
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require("tcp://127.0.0.1:0", "--bind"));
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require("tcp://127.0.0.1", "--bind"));
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require("", "--bind"));
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require(null, "--bind"));
    }

    @Test
    void aServerForOtherProcessesMayNotBindInproc() {
        assertEquals("tcp://*:5555", Endpoints.requireReachable("tcp://*:5555", "--bind"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Endpoints.requireReachable("inproc://x", "--bind"));
        assertTrue(e.getMessage().startsWith("--bind inproc://x is reachable only from inside this process"),
                e.getMessage());
    }

    @Test
    void anUnresolvableHostIsOneLineNamingTheEndpointAndTheHost() {
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket socket = Sockets.create(ctx, SocketType.DEALER);
            EndpointException e = assertThrows(EndpointException.class,
                    () -> Endpoints.connect(socket, "tcp://nope.invalid:5555"));
            assertEquals("cannot connect to tcp://nope.invalid:5555: host 'nope.invalid' does not resolve",
                    e.getMessage());
            assertEquals(EndpointException.Reason.UNRESOLVED_HOST, e.reason());
            assertEquals("tcp://nope.invalid:5555", e.endpoint());
        }
    }

    @Test
    void anAddressInUseIsNamedWithTheReason() {
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket first = Sockets.create(ctx, SocketType.ROUTER);
            String bound = Endpoints.bind(first, "tcp://127.0.0.1:*", "frontend");
            assertTrue(bound.matches("tcp://127\\.0\\.0\\.1:\\d+"), bound);
            ZMQ.Socket second = Sockets.create(ctx, SocketType.ROUTER);
            EndpointException e = assertThrows(EndpointException.class,
                    () -> Endpoints.bind(second, bound, "frontend"));
            assertEquals("cannot bind frontend " + bound + ": address already in use (EADDRINUSE)", e.getMessage());
            assertEquals(EndpointException.Reason.ADDRESS_IN_USE, e.reason());
        }
    }

    @Test
    void aRingSkipsEndpointsThatCannotBeConnectedAndNamesEachWhenNoneCan() {
        try (ZContext ctx = new ZContext()) {
            List<ZMQ.Socket> discarded = new ArrayList<>();
            EndpointRing ring = EndpointRing.of("tcp://nope.invalid:1", LoopbackPorts.freeEndpoint());
            ZMQ.Socket socket = ring.connect(() -> Sockets.create(ctx, SocketType.DEALER), discarded::add);
            assertEquals(1, discarded.size());
            assertEquals(ring.all().get(1), ring.current());
            assertTrue(socket != discarded.get(0));

            EndpointRing nowhere = EndpointRing.of("tcp://nope.invalid:1", "tcp://nope-too.invalid:2");
            EndpointException e = assertThrows(EndpointException.class,
                    () -> nowhere.connect(() -> Sockets.create(ctx, SocketType.DEALER), ctx::destroySocket));
            assertEquals("no endpoint can be connected: cannot connect to tcp://nope.invalid:1: host "
                    + "'nope.invalid' does not resolve; cannot connect to tcp://nope-too.invalid:2: host "
                    + "'nope-too.invalid' does not resolve", e.getMessage());
            assertEquals("tcp://nope.invalid:1", nowhere.current(), "back where it started");
        }
    }
}
