package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.HeartbeatConfig;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import io.zreliable.titanic.TitanicStore;
import io.zreliable.titanic.TitanicStoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMsg;
import picocli.CommandLine;

/** {@code zreliable titanic} and {@code zreliable ticlient} through picocli, against a real broker. */
class TitanicCommandsTest {
    private static final HeartbeatConfig HEARTBEAT = HeartbeatConfig.builder().intervalMillis(100).build();

    @TempDir
    Path dir;

    @Test
    void titanicCommandServesTiclientCommand() throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(HEARTBEAT).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            WorkerConfig echo = WorkerConfig.builder("echo").connect(endpoint).heartbeat(HEARTBEAT).build();
            CommandLine cli = ZReliableCommand.commandLine();
            TitanicCommand titanic = cli.getSubcommands().get("titanic").getCommand();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("titanic",
                    "--connect", endpoint, "--store", dir.toString(), "--heartbeat-ms", "100"));
            try (MajordomoWorker worker = new MajordomoWorker(echo, request -> {
                ZMsg reply = new ZMsg();
                request.forEach(frame -> reply.add("echo " + frame.getString(org.zeromq.ZMQ.CHARSET)));
                return reply;
            }).start()) {
                assertTrue(titanic.lifetime.awaitStarted(Duration.ofSeconds(30)), "titanic did not start");
                BstarCli run = new BstarCli();
                assertEquals(0, run.execute("ticlient", "--connect", endpoint, "--service", "echo", "hello",
                        "world"), run.err.toString());
                assertEquals(List.of("echo hello", "echo world"), run.out.toString().lines().toList());
            } finally {
                titanic.lifetime.stop();
            }
            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
            // Stopped cleanly, and ticlient closed its request: the store reopens empty of requests.
            try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
                assertEquals(0, store.entries());
            }
        }
    }

    @Test
    void brokerWithTitanicRunsBothInOneProcess() throws Exception {
        CliRun brokerRun = new CliRun();
        String bind = BstarCli.freeEndpoint();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> brokerRun.execute("broker",
                "--bind", bind, "--titanic", "--store", dir.toString(), "--heartbeat-ms", "100"));
        BrokerCommand broker = brokerRun.command("broker", BrokerCommand.class);
        try {
            assertTrue(broker.lifetime.awaitStarted(Duration.ofSeconds(30)), "broker did not start: " + brokerRun.err);
            WorkerConfig echo = WorkerConfig.builder("echo").connect(bind).heartbeat(HEARTBEAT).build();
            try (MajordomoWorker worker = new MajordomoWorker(echo, request -> request).start()) {
                BstarCli run = new BstarCli();
                assertEquals(0, run.execute("ticlient", "--connect", bind, "--service", "echo", "in one process"),
                        run.err.toString());
                assertEquals(List.of("in one process"), run.out.toString().lines().toList());
            }
        } finally {
            broker.lifetime.stop();
        }
        assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(dir.resolve("titanic-state.db")) && Files.exists(dir.resolve("titanic.checkpoint")),
                "store in --store");
    }

    @Test
    void brokerWithTitanicAndALockedStoreExitsWithTheFileName() {
        try (TitanicStore held = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            CliRun run = new CliRun();
            assertEquals(TitanicCommand.EXIT_FATAL, run.execute("broker", "--bind", "tcp://127.0.0.1:*",
                    "--titanic", "--store", dir.toString()));
            assertTrue(run.err.toString().contains("titanic.lock"), run.err.toString());
        }
    }

    @Test
    void wildcardEndpointsAreConnectedOnLoopback() {
        assertEquals("tcp://127.0.0.1:5555", TitanicCommand.connectable("tcp://0.0.0.0:5555"));
        assertEquals("tcp://127.0.0.1:5555", TitanicCommand.connectable("tcp://*:5555"));
        assertEquals("tcp://10.0.0.1:5555", TitanicCommand.connectable("tcp://10.0.0.1:5555"));
    }

    @Test
    void ticlientNeedsAServiceAndABody() {
        BstarCli run = new BstarCli();
        assertEquals(2, run.execute("ticlient", "hello"));
        assertTrue(run.err.toString().contains("--service"), run.err.toString());
        BstarCli noBody = new BstarCli();
        assertEquals(2, noBody.execute("ticlient", "--service", "echo"));
    }

    @Test
    void titanicWithALockedStoreExitsWithTheFileName() {
        try (TitanicStore held = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            BstarCli run = new BstarCli();
            assertEquals(TitanicCommand.EXIT_FATAL, run.execute("titanic", "--connect", "tcp://127.0.0.1:5555",
                    "--store", dir.toString()));
            assertTrue(run.err.toString().contains("error: ") && run.err.toString().contains("titanic.lock"),
                    run.err.toString());
        }
    }

    @Test
    void titanicWithACorruptStoreExitsWithTheFileNameAndOffset() throws Exception {
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            store.submit("echo", List.of("hello".getBytes())).get();
            store.submit("echo", List.of("again".getBytes())).get();
        }
        Path segment = dir.resolve("journal-00000000000000000001.log");
        byte[] bytes = Files.readAllBytes(segment);
        bytes[40] ^= 0x01; // inside the first of two records: not a torn tail
        Files.write(segment, bytes);
        BstarCli run = new BstarCli();
        assertEquals(TitanicCommand.EXIT_FATAL, run.execute("titanic", "--store", dir.toString()));
        assertTrue(run.err.toString().contains("journal-00000000000000000001.log")
                && run.err.toString().contains("byte offset"), run.err.toString());
    }

    @Test
    void badValuesAreUsageErrors() {
        BstarCli run = new BstarCli();
        assertEquals(2, run.execute("titanic", "--store", dir.toString(), "--heartbeat-ms", "0"));
        assertTrue(run.err.toString().contains("error: --heartbeat-ms must be > 0, was 0"), run.err.toString());
        BstarCli store = new BstarCli();
        assertEquals(2, store.execute("titanic", "--store", dir.toString(), "--max-requests", "0"));
        assertTrue(store.err.toString().contains("error: --max-requests must be > 0, was 0"), store.err.toString());
        BstarCli bytes = new BstarCli();
        assertEquals(2, bytes.execute("titanic", "--store", dir.toString(), "--max-store-bytes", "0"));
        assertTrue(bytes.err.toString().contains("error: --max-store-bytes must be > 0, was 0"), bytes.err.toString());
        BstarCli endpoint = new BstarCli();
        assertEquals(2, endpoint.execute("titanic", "--connect", "localhost:5555", "--store", dir.toString()));
        assertTrue(endpoint.err.toString().contains("is not a ZeroMQ endpoint"), endpoint.err.toString());
    }

    @Test
    void titanicLogsReadyAndStopsCleanlyOnSigterm() throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(HEARTBEAT).build()).start()) {
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                    Main.class.getName(), "titanic", "--connect", broker.endpoints().get(0),
                    "--store", dir.toString(), "--heartbeat-ms", "100");
            builder.redirectErrorStream(true);
            Process process = builder.start();
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean ready = false;
                while (!ready && (line = in.readLine()) != null) {
                    ready = line.contains("Titanic ready on");
                }
                assertTrue(ready, "no ready line");
                process.destroy(); // SIGTERM
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
            } finally {
                process.destroyForcibly();
            }
            // Closed cleanly: the store opens without repair and is not locked.
            TitanicStore.open(TitanicStoreConfig.of(dir)).close();
        }
    }
}
