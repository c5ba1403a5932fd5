package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.LoopbackPorts;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** The lazy-pirate commands driven through picocli in-process, against real sockets on loopback. */
class LazyPirateCommandsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void queueWorkerAndClientTalkAndTheLongRunningCommandsStopCleanly() throws Exception {
        String frontend = LoopbackPorts.freeEndpoint();
        String backend = LoopbackPorts.freeEndpoint();
        CliRun queueRun = new CliRun();
        Future<Integer> queueExit = executor.submit(() -> queueRun.execute("ppqueue", "--frontend", frontend,
                "--backend", backend, "--heartbeat-ms", "100", "--liveness", "20", "--max-backlog", "100"));
        assertTrue(queueRun.command("ppqueue", PpQueueCommand.class).lifetime.awaitStarted(DEADLINE),
                "ppqueue did not start: " + queueRun.err);
        CliRun workerRun = new CliRun();
        Future<Integer> workerExit = executor.submit(() -> workerRun.execute("ppworker", "--connect", backend,
                "--heartbeat-ms", "100", "--liveness", "20"));
        assertTrue(workerRun.command("ppworker", PpWorkerCommand.class).lifetime.awaitStarted(DEADLINE),
                "ppworker did not start: " + workerRun.err);

        // The first endpoint has no server: the client fails over to the queue.
        CliRun client = new CliRun();
        int exit = client.execute("lpclient", "--connect", LoopbackPorts.freeEndpoint(), "--connect", frontend,
                "--timeout-ms", "1000", "--retries", "10", "--count", "3", "hello");
        assertEquals(0, exit, client.err.toString());
        assertEquals("hello%nhello%nhello%n".formatted(), client.out.toString());

        workerRun.command("ppworker", PpWorkerCommand.class).lifetime.stop();
        queueRun.command("ppqueue", PpQueueCommand.class).lifetime.stop();
        assertEquals(0, workerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, queueExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void clientExitsNonZeroWithAClearMessageWhenNoServerAnswers() throws Exception {
        String endpoint = LoopbackPorts.freeEndpoint();
        CliRun client = new CliRun();
        int exit = client.execute("lpclient", "--connect", endpoint, "--timeout-ms", "200", "--retries", "2",
                "hello");
        assertEquals(LpClientCommand.EXIT_NO_REPLY, exit);
        assertEquals("", client.out.toString());
        assertTrue(client.err.toString().contains("error: server not answering: lazy pirate request: no reply "
                + "after 2 attempt(s) of 200 ms each, tried " + endpoint), client.err.toString());
    }

    @Test
    void badValuesAreUsageErrorsWithMessages() {
        CliRun queue = new CliRun();
        assertEquals(2, queue.execute("ppqueue", "--heartbeat-ms", "0"));
        assertTrue(queue.err.toString().contains("error: --heartbeat-ms must be > 0, was 0"),
                queue.err.toString());

        CliRun client = new CliRun();
        assertEquals(2, client.execute("lpclient", "--retries", "0", "x"));
        assertTrue(client.err.toString().contains("error: --retries must be > 0, was 0"), client.err.toString());

        CliRun worker = new CliRun();
        assertEquals(2, worker.execute("ppworker", "--connect", "localhost:5556"));
        assertTrue(worker.err.toString().contains("not a ZeroMQ endpoint"), worker.err.toString());

        CliRun noBody = new CliRun();
        assertEquals(2, noBody.execute("lpclient"));
        assertTrue(noBody.err.toString().contains("Missing required parameter: 'BODY'"), noBody.err.toString());
    }

    @Test
    void queueReportsAPortInUse() throws Exception {
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket squatter = ctx.createSocket(SocketType.ROUTER);
            int port = squatter.bindToRandomPort("tcp://127.0.0.1");
            CliRun queue = new CliRun();
            int exit = queue.execute("ppqueue", "--frontend", "tcp://127.0.0.1:" + port, "--backend",
                    LoopbackPorts.freeEndpoint());
            assertEquals(1, exit);
            assertTrue(queue.err.toString().contains("error: cannot bind frontend tcp://127.0.0.1:" + port
                    + ": address already in use (EADDRINUSE)"),
                    queue.err.toString());
        }
    }
}
