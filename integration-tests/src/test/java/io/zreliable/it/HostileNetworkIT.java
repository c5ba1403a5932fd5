package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.CurveFixture;
import io.zreliable.common.FrameFuzzer;
import io.zreliable.common.LoopbackPorts;
import io.zreliable.common.RetryPolicy;
import io.zreliable.common.ZmtpAttack;
import io.zreliable.lazypirate.LazyPirateClient;
import io.zreliable.majordomo.MajordomoClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the packaged jar's servers, started through the launcher script (its default heap cap): the 89-byte
 * packet of JeroMQ issue 1005 (CVE-2019-6250), its 256 MiB cousin, random ZMTP greetings, random and oversized
 * frames after a plain handshake, garbage bytes, a 200,000-byte subscription to a Binary Star state port and 2,000
 * half-open connections, while a normal client sends one request a second. Every probe must be answered within its
 * retry budget, during and after; no server may die; resident memory stays under {@link #RESIDENT_BOUND}. Seeded:
 * rerun one with {@code -Dfuzz.seed=N} (the seed is in every assertion message).
 */
class HostileNetworkIT {
    /** README's bound for a server started by the launcher (256 MiB heap): heap plus 256 MiB for the rest. */
    static final long RESIDENT_BOUND = 512L * 1024 * 1024;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int HALF_OPEN = 2_000;
    private static final int RANDOM_STREAMS = 150;
    /** How long a random stream's connection stays open for the server to react (it often drops it sooner). */
    private static final int LINGER_MILLIS = 50;
    private static final RetryPolicy PROBE_BUDGET = RetryPolicy.builder().timeoutMillis(2500).attempts(4).build();

    private final Path jar = Path.of(System.getProperty("zreliable.jar"));
    private final Path launcher = Path.of(System.getProperty("user.dir")).resolveSibling("scripts")
            .resolve("zreliable");
    private final long seed = FrameFuzzer.seed(20_2026L);

    @TempDir
    Path dir;

    @Test
    void aPlainBrokerSurvivesEveryAttack() throws Exception {
        String endpoint = LoopbackPorts.freeEndpoint();
        try (ZReliableDaemon broker = server("broker", "--bind", endpoint, "--max-message-bytes", "1048576");
             ZReliableDaemon worker = ZReliableDaemon.start(jar, "worker", "--connect", endpoint)) {
            broker.awaitOutput("majordomo broker ready on", STARTUP);
            worker.awaitOutput("ready, connecting to", STARTUP);
            try (MajordomoClient client = new MajordomoClient(List.of(endpoint), PROBE_BUDGET)) {
                underAttack(List.of(broker), () -> client.send("echo", "probe"), List.of(endpoint), "NULL");
            }
        }
    }

    @Test
    void aCurveBrokerSurvivesEveryAttack() throws Exception {
        CurveFixture keys = CurveFixture.create(dir, "worker", "client").allow("worker", "client");
        String endpoint = LoopbackPorts.freeEndpoint();
        try (ZReliableDaemon broker = server("broker", "--bind", endpoint, "--max-message-bytes", "1048576",
                     "--curve-secret-key-file", keys.secret("server").toString(), "--curve-allow",
                     keys.allowDirectory().toString());
             ZReliableDaemon worker = ZReliableDaemon.start(jar, "worker", "--connect", endpoint,
                     "--curve-server-key", keys.serverPublicFile().toString(), "--curve-key-file",
                     keys.secret("worker").toString())) {
            broker.awaitOutput("majordomo broker ready on", STARTUP);
            worker.awaitOutput("ready, connecting to", STARTUP);
            CurveClientKeys clientKeys = keys.client("client");
            try (MajordomoClient client = new MajordomoClient(List.of(endpoint), PROBE_BUDGET, clientKeys)) {
                underAttack(List.of(broker), () -> client.send("echo", "probe"), List.of(endpoint), "CURVE");
            }
        }
    }

    @Test
    void aParanoidPirateQueueSurvivesEveryAttackOnBothPorts() throws Exception {
        String frontend = LoopbackPorts.freeEndpoint();
        String backend = LoopbackPorts.freeEndpoint();
        try (ZReliableDaemon queue = server("ppqueue", "--frontend", frontend, "--backend", backend,
                     "--max-reply-bytes", "1048576");
             ZReliableDaemon worker = ZReliableDaemon.start(jar, "ppworker", "--connect", backend)) {
            queue.awaitOutput("ppqueue ready on", STARTUP);
            worker.awaitOutput("ppworker connected to", STARTUP);
            try (LazyPirateClient client = LazyPirateClient.builder().endpoints(frontend)
                    .retryPolicy(PROBE_BUDGET).build()) {
                underAttack(List.of(queue), () -> client.request("probe"), List.of(frontend, backend), "NULL");
            }
        }
    }

    /**
     * Both HA brokers, their client ports and state ports, are attacked; the pair stays one active and one passive,
     * and when the primary is then killed the backup still takes over (the packet on the passive server's client
     * port must not stop that).
     */
    @Test
    void anHaPairSurvivesEveryAttackAndStillFailsOver() throws Exception {
        String primaryEndpoint = LoopbackPorts.freeEndpoint();
        String backupEndpoint = LoopbackPorts.freeEndpoint();
        String primaryState = LoopbackPorts.freeEndpoint();
        String backupState = LoopbackPorts.freeEndpoint();
        try (ZReliableDaemon primary = server("broker", "--ha", "primary", "--bind", primaryEndpoint,
                     "--ha-local", primaryState, "--ha-peer", backupState, "--ha-heartbeat-ms", "250");
             ZReliableDaemon backup = server("broker", "--ha", "backup", "--bind", backupEndpoint,
                     "--ha-local", backupState, "--ha-peer", primaryState, "--ha-heartbeat-ms", "250");
             ZReliableDaemon worker = ZReliableDaemon.start(jar, "worker", "--connect", primaryEndpoint,
                     "--connect", backupEndpoint)) {
            primary.awaitOutput("HA broker primary ready on", STARTUP);
            backup.awaitOutput("HA broker backup ready on", STARTUP);
            try (MajordomoClient client = new MajordomoClient(List.of(primaryEndpoint, backupEndpoint),
                    PROBE_BUDGET)) {
                client.send("echo", "warm-up"); // votes the primary active
                underAttack(List.of(primary, backup), () -> client.send("echo", "probe"),
                        List.of(primaryEndpoint, backupEndpoint, primaryState, backupState), "NULL");
                assertFalse(backup.output().contains("HA broker backup active"),
                        "the attacks never made the backup active beside the primary\n" + backup.output());
                primary.kill();
                assertEquals("after-failover", client.send("echo", "after-failover"));
                backup.awaitOutput("HA broker backup active", STARTUP);
            }
        }
    }

    private ZReliableDaemon server(String... args) throws IOException {
        return ZReliableDaemon.startWithLauncher(launcher, jar, args);
    }

    /** Runs every attack on every port while {@code probe} runs once a second; checks the outcome. */
    private void underAttack(List<ZReliableDaemon> servers, Function0 probe, List<String> ports, String mechanism)
            throws Exception {
        probe.call(); // serving before
        Prober prober = new Prober(probe);
        prober.start();
        long peakResident = 0;
        Random random = new Random(seed);
        try {
            for (String endpoint : ports) {
                int port = ZmtpAttack.port(endpoint);
                crashPackets(port, mechanism);
                if (prober.hasFailed()) {
                    break; // deaf already: the assertions below say so without waiting out every attack
                }
                randomStreams(port, random);
                peakResident = Math.max(peakResident, peakResident(servers));
                halfOpen(port);
                peakResident = Math.max(peakResident, peakResident(servers));
                longSubscription(endpoint);
            }
        } finally {
            prober.stop();
        }
        for (int i = 0; i < 3; i++) {
            probe.call(); // serving after
        }
        peakResident = Math.max(peakResident, peakResident(servers));
        String context = " (seed " + seed + ")";
        assertEquals(List.of(), prober.failures(), "every probe was answered within its budget" + context);
        assertTrue(prober.answered() >= 3, "the probe ran during the attacks: " + prober.answered() + context);
        for (ZReliableDaemon server : servers) {
            assertTrue(server.isAlive(), "the server is alive" + context + "\n" + server.output());
            assertTrue(server.output().contains("refused a frame of size"),
                    "the refusal was logged at WARN" + context + "\n" + server.output());
            assertFalse(server.output().contains(" ERROR "), "no thread failed" + context + "\n" + server.output());
        }
        assertTrue(peakResident < RESIDENT_BOUND, "resident memory " + peakResident / (1024 * 1024)
                + " MiB stays under " + RESIDENT_BOUND / (1024 * 1024) + " MiB" + context);
        System.out.printf("MEASURED hostile network: peak resident %d MiB, %d probes answered, seed %d%n",
                peakResident / (1024 * 1024), prober.answered(), seed);
    }

    private static void crashPackets(int port, String mechanism) throws IOException {
        for (int i = 0; i < 3; i++) {
            ZmtpAttack.send(port, ZmtpAttack.handshakePacket(mechanism, ZmtpAttack.SIZE_MINUS_ONE), 2_000);
        }
        for (int i = 0; i < 8; i++) {
            ZmtpAttack.send(port, ZmtpAttack.handshakePacket(mechanism, ZmtpAttack.SIZE_256_MIB_AS_INT), 2_000);
        }
    }

    /** Random greetings, random and oversized frames after a plain handshake, and plain garbage. */
    private static void randomStreams(int port, Random random) throws IOException {
        for (int i = 0; i < RANDOM_STREAMS; i++) {
            try {
                switch (i % 4) {
                    case 0 -> ZmtpAttack.send(port, concat(ZmtpAttack.randomGreeting(random), bytes(random, 512)),
                            LINGER_MILLIS);
                    case 1 -> ZmtpAttack.sendAfterPlainHandshake(port, "DEALER", randomFrames(random), LINGER_MILLIS);
                    case 2 -> ZmtpAttack.sendAfterPlainHandshake(port, "DEALER",
                            ZmtpAttack.longFrameHeader(random.nextInt(2), (1L << 21) + random.nextInt(1 << 30)),
                            LINGER_MILLIS);
                    default -> ZmtpAttack.send(port, bytes(random, 4096), LINGER_MILLIS);
                }
            } catch (IOException e) {
                // the server dropped us mid-way (e.g. a CURVE server refusing NULL): what it should do
            }
        }
    }

    /** Frames with random flags and sizes, mostly short, some declaring sizes they never send. */
    private static byte[] randomFrames(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int frames = 1 + random.nextInt(20);
        for (int i = 0; i < frames; i++) {
            int flags = random.nextInt(8);
            if (random.nextInt(10) == 0) {
                out.writeBytes(ZmtpAttack.longFrameHeader(flags, random.nextLong()));
            } else {
                int size = random.nextInt(64);
                out.write(flags & ~ZmtpAttack.FLAG_LONG);
                out.write(size);
                out.writeBytes(bytes(random, size));
            }
        }
        return out.toByteArray();
    }

    /** Opens {@value #HALF_OPEN} connections that send half a greeting and then nothing; closes them all. */
    private static void halfOpen(int port) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < HALF_OPEN; i++) {
                Socket socket = new Socket();
                sockets.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.getOutputStream().write(new byte[] {(byte) 0xFF, 0, 0, 0, 0});
            }
        } catch (IOException e) {
            // refused or reset once the server's backlog is full: the server is still protecting itself
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** The Binary Star attack: one subscription 200,000 bytes long, as a SUB peer sends it. */
    private static void longSubscription(String endpoint) {
        try {
            ZmtpAttack.sendAfterPlainHandshake(ZmtpAttack.port(endpoint), "SUB", ZmtpAttack.subscription(200_000),
                    2_000);
        } catch (IOException e) {
            // refused at the handshake (a ROUTER port does not take a SUB): nothing more to send
        }
    }

    private static long peakResident(List<ZReliableDaemon> servers) throws IOException {
        long peak = 0;
        for (ZReliableDaemon server : servers) {
            if (server.isAlive()) {
                peak = Math.max(peak, server.residentBytes());
            }
        }
        return peak;
    }

    private static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = new byte[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    /** One probe request; throws when it is not answered within its retry budget. */
    @FunctionalInterface
    interface Function0 {
        Object call() throws Exception;
    }

    /** Calls the probe once a second on its own thread and records failures. */
    private static final class Prober {
        private final Function0 probe;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> failures = new ArrayList<>();
        private final Thread thread;
        private int answered;

        Prober(Function0 probe) {
            this.probe = probe;
            this.thread = new Thread(this::run, "hostile-probe");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(60_000);
        }

        synchronized List<String> failures() {
            return List.copyOf(failures);
        }

        synchronized boolean hasFailed() {
            return !failures.isEmpty();
        }

        synchronized int answered() {
            return answered;
        }

        private void run() {
            while (running.get()) {
                long started = System.nanoTime();
                try {
                    probe.call();
                    synchronized (this) {
                        answered++;
                    }
                } catch (Exception e) {
                    synchronized (this) {
                        failures.add(e.toString());
                    }
                }
                long waitNanos = 1_000_000_000L - (System.nanoTime() - started);
                if (waitNanos > 0 && running.get()) {
                    java.util.concurrent.locks.LockSupport.parkNanos(waitNanos);
                }
            }
        }
    }
}
