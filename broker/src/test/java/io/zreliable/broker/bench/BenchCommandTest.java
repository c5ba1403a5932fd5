package io.zreliable.broker.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.broker.ZReliableCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the bench commands for a few milliseconds each: checks what they report, never how fast anything is. */
class BenchCommandTest {
    private static final Pattern RPS = Pattern.compile(" rps=(\\d+)");

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var cli = ZReliableCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void baselinePrintsOneBenchLinePerVariantAndATable() {
        assertEquals(0, run("bench", "baseline", "--warmup-ms", "20", "--measure-ms", "50", "--repeats", "1",
                "--sizes", "16", "--in-flight", "4"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH ")).toList();
        assertEquals(3, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("BENCH baseline-sync in_flight=1 size=16 rps="), lines.get(0));
        assertTrue(lines.get(1).startsWith("BENCH baseline-async in_flight=4 size=16 rps="), lines.get(1));
        assertTrue(lines.get(2).startsWith("BENCH baseline-lockstep in_flight=1 size=16 rps="), lines.get(2));
        for (String line : lines) {
            Matcher rps = RPS.matcher(line);
            assertTrue(rps.find() && Long.parseLong(rps.group(1)) > 0, "round trips were made: " + line);
            assertTrue(line.contains(" p50_us=") && line.contains(" p99_us=") && line.contains(" p999_us="), line);
        }
        assertTrue(out.toString().contains("| variant | in_flight | size | rps |"), out.toString());
    }

    @Test
    void majordomoReportsEachVariantAgainstItsBaselineFromTheSameRun() {
        assertEquals(0, run("bench", "majordomo", "--workers", "1", "--warmup-ms", "20", "--measure-ms", "100",
                "--repeats", "1", "--sizes", "16", "--in-flight", "8", "--handler", "inline,thread"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH ")).toList();
        assertEquals(7, lines.size(), out.toString());
        assertTrue(lines.get(2).startsWith("BENCH baseline-lockstep in_flight=1 size=16 rps="), lines.get(2));
        int row = 3;
        for (String handler : List.of("inline", "thread")) {
            String sync = lines.get(row++);
            String async = lines.get(row++);
            assertTrue(sync.startsWith("BENCH majordomo-sync workers=1 handler=" + handler
                    + " in_flight=1 size=16 rps="), sync);
            assertTrue(async.startsWith("BENCH majordomo-async workers=1 handler=" + handler
                    + " in_flight=8 size=16 rps="), async);
            for (String line : List.of(sync, async)) {
                Matcher rps = RPS.matcher(line);
                assertTrue(rps.find() && Long.parseLong(rps.group(1)) > 0, "requests were served: " + line);
                assertTrue(line.matches(".* baseline_rps=\\d+ ratio=[0-9.]+ baseline_p50_us=[0-9.]+"
                        + " p50_ratio=[0-9.]+.*"), line);
            }
            assertTrue(async.matches(".* ceiling_rps=\\d+ ceiling_ratio=[0-9.]+"), async);
        }
    }

    @Test
    void titanicComparesAcknowledgedRequestsWithTheDisksFsyncRate(@TempDir Path dir) throws Exception {
        assertEquals(0, run("bench", "titanic", "--clients", "1,3", "--dir", dir.toString(), "--warmup-ms", "20",
                "--measure-ms", "200", "--repeats", "1", "--sizes", "64"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH ")).toList();
        assertEquals(6, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("BENCH fsync batch=1 size=64 rps="), lines.get(0));
        assertTrue(lines.get(1).startsWith("BENCH fsync batch=100 size=64 rps="), lines.get(1));
        assertTrue(lines.get(2).startsWith("BENCH titanic-ceiling clients=1 request_workers=1 size=64 rps="),
                lines.get(2));
        assertTrue(lines.get(3).startsWith("BENCH titanic-request clients=1 request_workers=3 size=64 rps="),
                lines.get(3));
        assertTrue(lines.get(4).startsWith("BENCH titanic-ceiling clients=3 request_workers=3 size=64 rps="),
                lines.get(4));
        assertTrue(lines.get(5).startsWith("BENCH titanic-request clients=3 request_workers=3 size=64 rps="),
                lines.get(5));
        for (String line : List.of(lines.get(3), lines.get(5))) {
            assertTrue(line.matches(".* fsync_rps=\\d+ ratio=[0-9.]+ per_commit=[0-9.]+ fsyncs_per_batch=[0-9.]+"
                    + " ceiling_rps=\\d+ ceiling_ratio=[0-9.]+"), line);
        }
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "the store and the probe file are removed");
        }
    }

    @Test
    void failoverKillsTheActiveProcessAndReportsTheOutage() {
        assertEquals(0, run("bench", "failover", "--pair-heartbeat-ms", "100", "--repeats", "1"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH ")).toList();
        assertEquals(1, lines.size(), out.toString());
        Matcher median = Pattern.compile("BENCH failover heartbeat_ms=100 repetitions=1 median_ms=(\\d+) ")
                .matcher(lines.get(0));
        assertTrue(median.find(), lines.get(0));
        assertTrue(Long.parseLong(median.group(1)) > 0, "a failover takes time: " + lines.get(0));
    }

    @Test
    void stackRunsBrokerWorkersAndClientAsProcessesAndReportsTheirIoThreads() {
        assertEquals(0, run("bench", "stack", "--sched", "normal,iobatch", "--count", "300", "--warmup-ms", "20",
                "--measure-ms", "100", "--repeats", "1", "--sizes", "16"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH stack-processes")).toList();
        assertEquals(2, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("BENCH stack-processes sched=normal workers=2 in_flight=100 size=16 "
                + "run=1 rps="), lines.get(0));
        assertTrue(lines.get(1).contains(" sched=iobatch "), lines.get(1));
        for (String line : lines) {
            Matcher rps = RPS.matcher(line);
            assertTrue(rps.find() && Long.parseLong(rps.group(1)) > 0, "requests were served: " + line);
            assertTrue(line.contains(" ceiling_ratio=") && line.contains(" broker_io_vcsw_per_req="), line);
        }
    }

    @Test
    void scaleComparesServiceCountsAgainstTheFirst() {
        assertEquals(0, run("bench", "scale", "--services", "1,40", "--clients", "50", "--warmup-ms", "20",
                "--measure-ms", "100", "--repeats", "1", "--sizes", "16"), err.toString());
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("BENCH ")).toList();
        assertEquals(2, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("BENCH majordomo-scale services=1 workers=2 clients=50 size=16 rps="),
                lines.get(0));
        assertTrue(lines.get(0).endsWith(" ratio=1"), lines.get(0));
        assertTrue(lines.get(1).startsWith("BENCH majordomo-scale services=40 workers=80 clients=50 size=16 rps="),
                lines.get(1));
        for (String line : lines) {
            Matcher rps = RPS.matcher(line);
            assertTrue(rps.find() && Long.parseLong(rps.group(1)) > 0, "requests were served: " + line);
        }
    }

    @Test
    void badOptionsAreUsageErrorsThatNameTheOption() {
        assertEquals(2, run("bench", "baseline", "--repeats", "0"));
        assertTrue(err.toString().contains("--repeats must be > 0"), err.toString());
    }

    @Test
    void withoutAScenarioItListsThemAndFails() {
        assertEquals(2, run("bench"));
        assertTrue(err.toString().contains("baseline"), err.toString());
    }

    @Test
    void fsyncProbeCountsEveryForcedRecord(@TempDir Path dir) throws Exception {
        LatencySample perRecord = FsyncProbe.run(dir, 64, 1, 30);
        LatencySample perBatch = FsyncProbe.run(dir, 64, 100, 30);
        assertTrue(perRecord.requests() >= 1);
        assertEquals(0, perBatch.requests() % 100, "whole batches only");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "the probe removes its file");
        }
    }

    @Test
    void medianTakesEachFigureOnItsOwn() {
        LatencySample median = LatencySample.median(List.of(
                new LatencySample(100, 1_000_000_000L, 10, 100, 1000),
                new LatencySample(300, 1_000_000_000L, 30, 300, 3000),
                new LatencySample(200, 1_000_000_000L, 50, 200, 2000)));
        assertEquals(200, median.requestsPerSecond(), 0.001);
        assertEquals(30, median.p50Micros());
        assertEquals(200, median.p99Micros());
        assertEquals(2000, median.p999Micros());
    }
}
