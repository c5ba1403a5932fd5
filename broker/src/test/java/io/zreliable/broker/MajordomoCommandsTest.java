package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The majordomo commands (broker, worker, client, mmi) driven through picocli in-process over loopback TCP. */
class MajordomoCommandsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String[] FAST_HEARTBEAT = {"--heartbeat-ms", "100", "--liveness", "20"};

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** One command line with captured output. */
    private static final class Run {
        final CommandLine cli = ZReliableCommand.commandLine();
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();

        Run() {
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
        }

        int execute(String... args) {
            return cli.execute(args);
        }

        <T> T command(String name, Class<T> type) {
            return type.cast(cli.getSubcommands().get(name).getCommand());
        }
    }

    private static String freeEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "tcp://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void brokerWorkerClientAndMmiTalkAndTheServersStopCleanly() throws Exception {
        String endpoint = freeEndpoint();
        String spare = freeEndpoint();
        Run brokerRun = new Run();
        Future<Integer> brokerExit = executor.submit(() -> brokerRun.execute(with(new String[] {"broker",
            "--bind", endpoint, "--bind", spare, "--max-queue-per-service", "100"}, FAST_HEARTBEAT)));
        BrokerCommand broker = brokerRun.command("broker", BrokerCommand.class);
        assertTrue(broker.lifetime.awaitStarted(DEADLINE), "broker did not start: " + brokerRun.err);
        Run workerRun = new Run();
        Future<Integer> workerExit = executor.submit(() -> workerRun.execute(with(new String[] {"worker",
            "--connect", spare, "--service", "echo"}, FAST_HEARTBEAT)));
        assertTrue(workerRun.command("worker", WorkerCommand.class).lifetime.awaitStarted(DEADLINE),
                "worker did not start: " + workerRun.err);

        Run client = new Run();
        assertEquals(0, client.execute("client", "--connect", endpoint, "--service", "echo", "--timeout-ms",
                "5000", "--count", "3", "hello"), client.err.toString());
        assertEquals("hello%nhello%nhello%n".formatted(), client.out.toString());

        Run asyncClient = new Run();
        assertEquals(0, asyncClient.execute("client", "--connect", endpoint, "--async", "--in-flight", "4",
                "--count", "200", "--timeout-ms", "10000", "hi"), asyncClient.err.toString());
        assertTrue(asyncClient.out.toString().startsWith("200 requests, 200 replies, 0 failed in "),
                asyncClient.out.toString());

        Run mmi = new Run();
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "echo"), mmi.err.toString());
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "nothing"), mmi.err.toString());
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "--query", "mmi.workers", "echo"));
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "--query", "mmi.nonsense", "echo"));
        assertEquals("200%n404%n1%n501%n".formatted(), mmi.out.toString());

        workerRun.command("worker", WorkerCommand.class).lifetime.stop();
        assertEquals(0, workerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), workerRun.err.toString());
        broker.lifetime.stop();
        assertEquals(0, brokerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), brokerRun.err.toString());
    }

    @Test
    void aClientWhoseRequestIsNeverAnsweredExitsOneWithAMessage() throws Exception {
        Run client = new Run();

        int exit = client.execute("client", "--connect", freeEndpoint(), "--timeout-ms", "100", "--retries", "2",
                "hello");

        assertEquals(ClientCommand.EXIT_NO_REPLY, exit);
        assertTrue(client.err.toString().contains("error: service 'echo' not answering: "), client.err.toString());
        assertTrue(client.err.toString().contains("2 attempt(s)"), client.err.toString());

        Run async = new Run();
        assertEquals(ClientCommand.EXIT_NO_REPLY, async.execute("client", "--connect", freeEndpoint(), "--async",
                "--count", "20", "--timeout-ms", "100", "--retries", "1", "hello"));
        assertTrue(async.err.toString().contains("not answering"), async.err.toString());

        Run mmi = new Run();
        assertEquals(ClientCommand.EXIT_NO_REPLY, mmi.execute("mmi", "--connect", freeEndpoint(), "--timeout-ms",
                "100", "--retries", "1", "echo"));
        assertTrue(mmi.err.toString().contains("error: broker not answering"), mmi.err.toString());
    }

    @Test
    void badFlagsAndUnbindableEndpointsFailWithClearMessages() throws Exception {
        Run badHeartbeat = new Run();
        assertEquals(2, badHeartbeat.execute("broker", "--bind", "tcp://127.0.0.1:*", "--heartbeat-ms", "0"));
        assertTrue(badHeartbeat.err.toString().contains("error: heartbeat interval must be > 0 ms"),
                badHeartbeat.err.toString());

        Run badEndpoint = new Run();
        assertEquals(2, badEndpoint.execute("broker", "--bind", "nonsense"));
        assertTrue(badEndpoint.err.toString().contains("error: bind endpoint is not a ZeroMQ endpoint"),
                badEndpoint.err.toString());

        Run badQueue = new Run();
        assertEquals(2, badQueue.execute("broker", "--max-queue", "0"));
        assertTrue(badQueue.err.toString().contains("max queue must be > 0"), badQueue.err.toString());

        Run unknownFlag = new Run();
        assertEquals(2, unknownFlag.execute("broker", "--no-such-flag"));

        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
            Run unbindable = new Run();
            assertEquals(BrokerCommand.EXIT_BIND, unbindable.execute("broker", "--bind", endpoint));
            assertTrue(unbindable.err.toString().contains("error: cannot bind " + endpoint),
                    unbindable.err.toString());
        }

        Run badCount = new Run();
        assertEquals(2, badCount.execute("client", "--count", "0", "x"));
        assertTrue(badCount.err.toString().contains("--count must be >= 1"), badCount.err.toString());

        Run badWorker = new Run();
        assertEquals(2, badWorker.execute("worker", "--service", "mmi.fake"));
        assertTrue(badWorker.err.toString().contains("reserved for the broker"), badWorker.err.toString());
    }
}
