package io.zreliable.broker.bench;

import io.zreliable.common.IoThreadScheduling;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MajordomoClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stack as a user runs it: {@code zreliable broker}, two {@code zreliable worker} processes and
 * {@code zreliable client --async}, each a JVM of its own started from the jar's class path (with the launcher's
 * 256 MiB heap), under each scheduling policy asked for, variants interleaved run by run. Reports the client's
 * requests/s against twice the lock-step ceiling of the same run, and the broker's and all processes' JeroMQ
 * I/O-thread CPU and voluntary context switches per request (the signature of the signaller spin).
 */
final class StackScenario {
    private static final String SERVICE = "echo";
    private static final int WORKERS = 2;
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Duration CLIENT_DEADLINE = Duration.ofMinutes(10);
    private static final Pattern RATE =
            Pattern.compile("(\\d+) replies, (\\d+) failed in (\\d+) ms \\((\\d+) req/s\\)");
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

    /** The scheduling policy the processes run under (Linux {@code chrt}; see {@code IoThreadScheduling}). */
    enum Scheduling {
        /** Every thread under the default policy ({@code ZRELIABLE_IO_SCHED=normal}). */
        NORMAL(List.of(), Map.of(IoThreadScheduling.ENVIRONMENT, "normal")),
        /** The executable's default: JeroMQ's I/O threads under SCHED_BATCH, the others default. */
        IOBATCH(List.of(), Map.of()),
        /** The whole process under {@code chrt --batch 0}. */
        BATCH(List.of("chrt", "--batch", "0"), Map.of(IoThreadScheduling.ENVIRONMENT, "normal"));

        private final List<String> launcher;
        private final Map<String, String> environment;

        Scheduling(List<String> launcher, Map<String, String> environment) {
            this.launcher = launcher;
            this.environment = environment;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private StackScenario() {
    }

    static void measure(BenchOptions options, List<Scheduling> policies, int count, BenchReport report)
            throws Exception {
        Map<Integer, BaselineScenario.Baseline> baselines = BaselineScenario.measure(options, report);
        for (int size : options.sizes) {
            double ceiling = WORKERS * baselines.get(size).lockstep().requestsPerSecond();
            for (int run = 1; run <= options.repeats; run++) {
                for (Scheduling policy : policies) {
                    report.add(runOnce(policy, size, count, options.inFlight, ceiling).param("run", run));
                }
            }
        }
    }

    private static BenchRow runOnce(Scheduling policy, int size, int count, int inFlight, double ceiling)
            throws Exception {
        String endpoint = "tcp://127.0.0.1:" + freePort();
        List<ZReliableChild> processes = new ArrayList<>();
        try {
            ZReliableChild broker = child(processes, policy, "broker", "broker", "--bind", endpoint);
            broker.awaitLine("majordomo broker ready", STARTUP);
            for (int i = 0; i < WORKERS; i++) {
                child(processes, policy, "worker-" + i, "worker", "--connect", endpoint, "--service", SERVICE);
            }
            awaitWorkers(endpoint);
            ThreadCounters[] before = new ThreadCounters[processes.size()];
            for (int i = 0; i < processes.size(); i++) {
                before[i] = ThreadCounters.ioThreadsOf(processes.get(i).pid());
            }
            ZReliableChild client = child(processes, policy, "client", "client", "--connect", endpoint,
                    "--service", SERVICE, "--async", "--in-flight", Integer.toString(inFlight),
                    "--count", Integer.toString(count), "x".repeat(size));
            ThreadCounters clientIo = new ThreadCounters(0, 0);
            long deadline = System.nanoTime() + CLIENT_DEADLINE.toNanos();
            while (!exited(client)) {
                // The client's /proc entry goes with it: keep its last reading.
                ThreadCounters now = ThreadCounters.ioThreadsOf(client.pid());
                clientIo = now.cpuTicks() + now.voluntarySwitches() > 0 ? now : clientIo;
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the client did not finish within " + CLIENT_DEADLINE);
                }
                Thread.sleep(50); // sampling a child's counters at a fixed pace; nothing to wait on
            }
            Matcher rate = rate(client.lastLines());
            long replies = Long.parseLong(rate.group(1));
            if (replies != count) {
                throw new IllegalStateException("only " + replies + " of " + count + " answered");
            }
            ThreadCounters brokerIo = ThreadCounters.ioThreadsOf(broker.pid()).minus(before[0]);
            ThreadCounters allIo = clientIo;
            for (int i = 0; i < before.length; i++) {
                allIo = sum(allIo, ThreadCounters.ioThreadsOf(processes.get(i).pid()).minus(before[i]));
            }
            double rps = Double.parseDouble(rate.group(4));
            return new BenchRow("stack-processes").param("sched", policy.label()).param("workers", WORKERS)
                    .param("in_flight", inFlight).param("size", size)
                    .metric("rps", rps).metric("ceiling_rps", ceiling).metric("ceiling_ratio", rps / ceiling)
                    .metric("broker_io_cpu_s", brokerIo.cpuSeconds())
                    .metric("broker_io_vcsw_per_req", (double) brokerIo.voluntarySwitches() / count)
                    .metric("all_io_cpu_s", allIo.cpuSeconds())
                    .metric("all_io_vcsw_per_req", (double) allIo.voluntarySwitches() / count);
        } finally {
            for (ZReliableChild process : processes) {
                process.close();
            }
        }
    }

    private static ZReliableChild child(List<ZReliableChild> processes, Scheduling policy, String name,
            String... args) throws IOException {
        ZReliableChild child = ZReliableChild.start(name, policy.launcher, JVM, policy.environment, args);
        processes.add(child);
        return child;
    }

    private static boolean exited(ZReliableChild child) throws InterruptedException {
        try {
            child.awaitExit(Duration.ZERO);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static Matcher rate(List<String> lines) {
        for (String line : lines) {
            Matcher matcher = RATE.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new IllegalStateException("the client printed no summary; its last lines:\n  "
                + String.join("\n  ", lines));
    }

    private static ThreadCounters sum(ThreadCounters a, ThreadCounters b) {
        return new ThreadCounters(a.cpuTicks() + b.cpuTicks(), a.voluntarySwitches() + b.voluntarySwitches());
    }

    private static void awaitWorkers(String endpoint) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        try (MajordomoClient mmi = new MajordomoClient(List.of(endpoint),
                RetryPolicy.builder().timeoutMillis(5_000).attempts(3).build())) {
            while (!Integer.toString(WORKERS).equals(mmi.send("mmi.workers", SERVICE))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the workers did not register within " + STARTUP);
                }
                Thread.sleep(20); // polling the broker's worker count with a deadline
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
