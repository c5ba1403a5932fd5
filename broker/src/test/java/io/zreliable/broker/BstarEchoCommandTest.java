package io.zreliable.broker;

import static io.zreliable.broker.BstarCli.freeEndpoint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BstarEchoCommandTest {

    @Test
    void roleIsRequiredAndExclusive() {
        CliRun run = new CliRun();
        assertEquals(2, run.execute("bstar-echo", "--bind", "tcp://127.0.0.1:5001", "--local", "tcp://127.0.0.1:5003",
                "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(run.err.toString().contains("--role"), run.err.toString());

        CliRun both = new CliRun();
        assertEquals(2, both.execute("bstar-echo", "--role", "primary", "--backup", "--bind", "tcp://127.0.0.1:5001",
                "--local", "tcp://127.0.0.1:5003", "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(both.err.toString().contains("mutually exclusive"), both.err.toString());
    }

    @Test
    void badValuesAreUsageErrorsWithAMessage() {
        CliRun run = new CliRun();
        assertEquals(2, run.execute("bstar-echo", "--role", "primary", "--bind", "tcp://127.0.0.1:5001",
                "--local", "tcp://127.0.0.1:5003", "--peer", "tcp://127.0.0.1:5004", "--pair-heartbeat-ms", "0"));
        assertTrue(run.err.toString().contains("error: --pair-heartbeat-ms must be > 0, was 0"),
                run.err.toString());

        CliRun endpoint = new CliRun();
        assertEquals(2, endpoint.execute("bstar-echo", "--role", "backup", "--bind", "tcp://127.0.0.1:5001",
                "--local", "localhost:5003", "--peer", "tcp://127.0.0.1:5004"));
        assertTrue(endpoint.err.toString().contains("is not a ZeroMQ endpoint"), endpoint.err.toString());
    }

    @Test
    void twoPrimariesBothExitNonZeroWithAClearMessage() throws Exception {
        BstarCli.assertBothPrimaryExitFatal((local, peer) -> new String[] {"bstar-echo", "--role",
            "primary", "--bind", freeEndpoint(), "--local", local, "--peer", peer, "--pair-heartbeat-ms", "50"});
    }
}
