package io.zreliable.broker.bench;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable bench}: measures the toolkit against a ceiling measured in the same run and prints ratios. Every
 * scenario prints one {@code BENCH ...} line per variant as it finishes and a Markdown table at the end.
 */
@Command(name = "bench",
        description = "Benchmarks: each scenario measures its own baseline in the same run and reports ratios.",
        subcommands = {BenchCommand.Baseline.class, BenchCommand.Majordomo.class, BenchCommand.Titanic.class, BenchCommand.Failover.class,
                BenchCommand.Scale.class},
        mixinStandardHelpOptions = true)
public final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required scenario");
    }

    /** {@code bench baseline}: the raw JeroMQ one-hop ceiling only. */
    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = "Raw JeroMQ round trips through a ROUTER-DEALER proxy to a ROUTER echo server.")
    static final class Baseline implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        BenchOptions options = new BenchOptions();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            BenchReport report = new BenchReport(out);
            BaselineScenario.measure(options.validated(), report);
            report.printTable();
            return 0;
        }
    }

    /** {@code bench majordomo}: our broker, worker and clients against the one-hop baseline of the same run. */
    @Command(name = "majordomo", mixinStandardHelpOptions = true,
            description = "Round trips through the Majordomo broker to echo workers (1 and 2), sync and async, with "
                    + "the raw one-hop baseline measured first; ratios against it.")
    static final class Majordomo implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        BenchOptions options = new BenchOptions();
        @CommandLine.Option(names = "--workers", split = ",", defaultValue = "1,2",
                description = "Echo worker counts to measure (default: ${DEFAULT-VALUE}).")
        java.util.List<Integer> workers;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            options.validated();
            workers.forEach(count -> io.zreliable.common.Require.positive(count, "--workers"));
            BenchReport report = new BenchReport(spec.commandLine().getOut());
            MajordomoScenario.measure(options, workers, report);
            report.printTable();
            return 0;
        }
    }

    /** {@code bench titanic}: durable acknowledgements per second against the disk's own fsync rate. */
    @Command(name = "titanic", mixinStandardHelpOptions = true,
            description = "Acknowledged titanic.request/s (durable commits) from 1 and 16 concurrent clients, next to "
                    + "the raw fsync rate of the same directory (per record and per batch of 100).")
    static final class Titanic implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        BenchOptions options = new BenchOptions();
        @CommandLine.Option(names = "--clients", split = ",", defaultValue = "1,16",
                description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
        java.util.List<Integer> clients;
        @CommandLine.Option(names = "--dir", defaultValue = ".",
                description = "Directory for the store and the fsync probe, removed afterwards; measure the disk "
                        + "you will run on (default: the current directory).")
        java.nio.file.Path dir;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            options.validated();
            clients.forEach(count -> io.zreliable.common.Require.positive(count, "--clients"));
            BenchReport report = new BenchReport(spec.commandLine().getOut());
            TitanicScenario.measure(options, dir, clients, report);
            report.printTable();
            return 0;
        }
    }

    /** {@code bench failover}: Binary Star failover time with real processes killed. */
    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Kills the active server of a Binary Star echo pair (child processes, kill -9) under "
                    + "client load; time from the last reply of the old active to the first of the new one.")
    static final class Failover implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--heartbeat-ms", defaultValue = "100",
                description = "The pair's heartbeat (default: ${DEFAULT-VALUE}).")
        long heartbeatMillis;
        @CommandLine.Option(names = "--repeats", defaultValue = "5",
                description = "Failovers to measure; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            io.zreliable.common.Require.positive(heartbeatMillis, "--heartbeat-ms");
            io.zreliable.common.Require.positive(repeats, "--repeats");
            BenchReport report = new BenchReport(spec.commandLine().getOut());
            FailoverScenario.measure(repeats, heartbeatMillis, report);
            report.printTable();
            return 0;
        }
    }

    /** {@code bench scale}: broker cost as services and workers grow, under the same client load. */
    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Requests/s through the Majordomo broker at 1, 100 and 1,000 services (2 workers each), "
                    + "1,000 clients with one request outstanding each; ratio to the smallest service count.")
    static final class Scale implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        BenchOptions options = new BenchOptions();
        @CommandLine.Option(names = "--services", split = ",", defaultValue = "1,100,1000",
                description = "Service counts to compare, the first is the baseline (default: ${DEFAULT-VALUE}).")
        java.util.List<Integer> services;
        @CommandLine.Option(names = "--workers-per-service", defaultValue = "2",
                description = "Echo workers per service (default: ${DEFAULT-VALUE}).")
        int workersPerService;
        @CommandLine.Option(names = "--clients", defaultValue = "1000",
                description = "Concurrent clients, one request outstanding each (default: ${DEFAULT-VALUE}).")
        int clients;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            options.validated();
            services.forEach(count -> io.zreliable.common.Require.positive(count, "--services"));
            io.zreliable.common.Require.positive(workersPerService, "--workers-per-service");
            io.zreliable.common.Require.positive(clients, "--clients");
            BenchReport report = new BenchReport(spec.commandLine().getOut());
            ScaleScenario.measure(options, services, workersPerService, clients, report);
            report.printTable();
            return 0;
        }
    }
}
