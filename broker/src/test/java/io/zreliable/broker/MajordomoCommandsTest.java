package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    private static String[] with(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void brokerWorkerClientAndMmiTalkAndTheServersStopCleanly() throws Exception {
        String endpoint = BstarCli.freeEndpoint();
        String spare = BstarCli.freeEndpoint();
        CliRun brokerRun = new CliRun();
        Future<Integer> brokerExit = executor.submit(() -> brokerRun.execute(with(new String[] {"broker",
            "--bind", endpoint, "--bind", spare, "--max-queue-per-service", "100"}, FAST_HEARTBEAT)));
        BrokerCommand broker = brokerRun.command("broker", BrokerCommand.class);
        assertTrue(broker.lifetime.awaitStarted(DEADLINE), "broker did not start: " + brokerRun.err);
        CliRun workerRun = new CliRun();
        Future<Integer> workerExit = executor.submit(() -> workerRun.execute(with(new String[] {"worker",
            "--connect", spare, "--service", "echo"}, FAST_HEARTBEAT)));
        assertTrue(workerRun.command("worker", WorkerCommand.class).lifetime.awaitStarted(DEADLINE),
                "worker did not start: " + workerRun.err);

        CliRun client = new CliRun();
        assertEquals(0, client.execute("client", "--connect", endpoint, "--service", "echo", "--timeout-ms",
                "5000", "--count", "3", "hello"), client.err.toString());
        assertEquals("hello%nhello%nhello%n".formatted(), client.out.toString());

        CliRun asyncClient = new CliRun();
        assertEquals(0, asyncClient.execute("client", "--connect", endpoint, "--async", "--in-flight", "4",
                "--count", "200", "--timeout-ms", "10000", "hi"), asyncClient.err.toString());
        assertTrue(asyncClient.out.toString().startsWith("200 requests, 200 replies, 0 failed in "),
                asyncClient.out.toString());

        CliRun mmi = new CliRun();
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
    void anMdp02WorkerStreamsPartsThatEachClientDialectPrints() throws Exception {
        String endpoint = BstarCli.freeEndpoint();
        CliRun brokerRun = new CliRun();
        Future<Integer> brokerExit = executor.submit(() -> brokerRun.execute(with(new String[] {"broker",
            "--bind", endpoint}, FAST_HEARTBEAT)));
        BrokerCommand broker = brokerRun.command("broker", BrokerCommand.class);
        assertTrue(broker.lifetime.awaitStarted(DEADLINE), "broker did not start: " + brokerRun.err);
        CliRun workerRun = new CliRun();
        Future<Integer> workerExit = executor.submit(() -> workerRun.execute(with(new String[] {"worker",
            "--connect", endpoint, "--service", "stream", "--mdp", "0.2", "--parts", "3"}, FAST_HEARTBEAT)));
        assertTrue(workerRun.command("worker", WorkerCommand.class).lifetime.awaitStarted(DEADLINE),
                "worker did not start: " + workerRun.err);

        for (String mdp : new String[] {"0.2", "0.2-majortomo"}) {
            CliRun client = new CliRun();
            assertEquals(0, client.execute("client", "--connect", endpoint, "--service", "stream", "--mdp", mdp,
                    "--timeout-ms", "5000", "--count", "2", "hi"), client.err.toString());
            assertEquals("hi%nhi%nhi%nhi%nhi%nhi%n".formatted(), client.out.toString(), mdp);
            CliRun async = new CliRun();
            assertEquals(0, async.execute("client", "--connect", endpoint, "--service", "stream", "--mdp", mdp,
                    "--async", "--timeout-ms", "5000", "yo"), async.err.toString());
            assertEquals("yo%nyo%nyo%n".formatted(), async.out.toString(), mdp);
        }
        CliRun plain = new CliRun();
        assertEquals(0, plain.execute("client", "--connect", endpoint, "--service", "stream", "--timeout-ms", "5000",
                "hi"), plain.err.toString());
        assertEquals("hi hi hi%n".formatted(), plain.out.toString(), "an MDP/0.1 client gets the parts in one reply");
        CliRun mmi = new CliRun();
        assertEquals(0, mmi.execute("mmi", "--connect", endpoint, "--mdp", "0.2", "stream"), mmi.err.toString());
        assertEquals("200%n".formatted(), mmi.out.toString());

        workerRun.command("worker", WorkerCommand.class).lifetime.stop();
        assertEquals(0, workerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), workerRun.err.toString());
        broker.lifetime.stop();
        assertEquals(0, brokerExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS), brokerRun.err.toString());
    }

    @Test
    void aClientWhoseRequestIsNeverAnsweredExitsOneWithAMessage() throws Exception {
        CliRun client = new CliRun();

        int exit = client.execute("client", "--connect", BstarCli.freeEndpoint(), "--timeout-ms", "100", "--retries", "2",
                "hello");

        assertEquals(ClientCommand.EXIT_NO_REPLY, exit);
        assertTrue(client.err.toString().contains("error: service 'echo' not answering: "), client.err.toString());
        assertTrue(client.err.toString().contains("2 attempt(s)"), client.err.toString());

        CliRun async = new CliRun();
        assertEquals(ClientCommand.EXIT_NO_REPLY, async.execute("client", "--connect", BstarCli.freeEndpoint(), "--async",
                "--count", "20", "--timeout-ms", "100", "--retries", "1", "hello"));
        assertTrue(async.err.toString().contains("not answering"), async.err.toString());

        CliRun mmi = new CliRun();
        assertEquals(ClientCommand.EXIT_NO_REPLY, mmi.execute("mmi", "--connect", BstarCli.freeEndpoint(), "--timeout-ms",
                "100", "--retries", "1", "echo"));
        assertTrue(mmi.err.toString().contains("error: broker not answering"), mmi.err.toString());
    }

    @Test
    void badFlagsAndUnbindableEndpointsFailWithClearMessages() throws Exception {
        CliRun badHeartbeat = new CliRun();
        assertEquals(2, badHeartbeat.execute("broker", "--bind", "tcp://127.0.0.1:*", "--heartbeat-ms", "0"));
        assertTrue(badHeartbeat.err.toString().contains("error: --heartbeat-ms must be > 0, was 0"),
                badHeartbeat.err.toString());

        CliRun badEndpoint = new CliRun();
        assertEquals(2, badEndpoint.execute("broker", "--bind", "nonsense"));
        assertTrue(badEndpoint.err.toString().contains("error: --bind is not a ZeroMQ endpoint"),
                badEndpoint.err.toString());

        CliRun badQueue = new CliRun();
        assertEquals(2, badQueue.execute("broker", "--max-queue", "0"));
        assertTrue(badQueue.err.toString().contains("error: --max-queue must be > 0, was 0"), badQueue.err.toString());

        CliRun unknownFlag = new CliRun();
        assertEquals(2, unknownFlag.execute("broker", "--no-such-flag"));

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String endpoint = "tcp://127.0.0.1:" + taken.getLocalPort();
            CliRun unbindable = new CliRun();
            assertEquals(BrokerCommand.EXIT_BIND, unbindable.execute("broker", "--bind", endpoint));
            assertTrue(unbindable.err.toString().contains("error: cannot bind broker endpoint " + endpoint),
                    unbindable.err.toString());
        }

        CliRun badCount = new CliRun();
        assertEquals(2, badCount.execute("client", "--count", "0", "x"));
        assertTrue(badCount.err.toString().contains("--count must be >= 1"), badCount.err.toString());

        CliRun badWorker = new CliRun();
        assertEquals(2, badWorker.execute("worker", "--service", "mmi.fake"));
        assertTrue(badWorker.err.toString().contains("reserved for the broker"), badWorker.err.toString());

        CliRun partsOn01 = new CliRun();
        assertEquals(2, partsOn01.execute("worker", "--parts", "3"));
        assertTrue(partsOn01.err.toString().contains("--parts needs --mdp 0.2"), partsOn01.err.toString());

        CliRun badVersion = new CliRun();
        assertEquals(2, badVersion.execute("client", "--mdp", "0.3", "x"));
        assertTrue(badVersion.err.toString().contains("unknown MDP version 0.3"), badVersion.err.toString());
    }
}
