package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

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
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require("tcp://127.0.0.1", "--bind"));
        assertThrows(IllegalArgumentException.class, () -> Endpoints.require(null, "--bind"));
    }
}
