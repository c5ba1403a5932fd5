package io.zreliable.broker.bench;

import io.zreliable.common.Require;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zreliable bench}: measures the toolkit against a ceiling measured in the same run and prints ratios. Every
 * scenario prints one {@code BENCH ...} line per variant as it finishes and a Markdown table at the end.
 */
@Command(name = "bench",
        description = "Benchmarks: each scenario measures its own baseline in the same run and reports ratios.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable bench majordomo --sizes 16,1024 --repeats 5",
            "  zreliable bench titanic --dir /var/lib/zreliable   (measure the disk the store will use)",
            "  zreliable bench failover --pair-heartbeat-ms 100",
            "  zreliable bench stack --repeats 5 --sizes 16 --count 30000"
        },
        subcommands = {BenchCommand.Baseline.class, BenchCommand.Majordomo.class, BenchCommand.Titanic.class,
                BenchCommand.Failover.class, BenchCommand.Scale.class, BenchCommand.Stack.class},
        mixinStandardHelpOptions = true)
public final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required scenario");
    }

    /** What every scenario command does: check its options, measure into a report, print the table. */
    abstract static class Scenario implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public final Integer call() throws Exception {
            BenchReport report = new BenchReport(spec.commandLine().getOut());
            spec.commandLine().getOut().println(MachineLine.describe());
            measure(report);
            report.printTable();
            return 0;
        }

        /** Validates the options (IllegalArgumentException: a usage error) and measures. */
        abstract void measure(BenchReport report) throws Exception;

        static List<Integer> positive(List<Integer> values, String option) {
            values.forEach(value -> Require.positive(value, option));
            return values;
        }
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = "Raw JeroMQ round trips through a ROUTER-DEALER proxy to a ROUTER echo server.")
    static final class Baseline extends Scenario {
        @Mixin
        BenchOptions options = new BenchOptions();

        @Override
        void measure(BenchReport report) throws Exception {
            BaselineScenario.measure(options.validated(), report);
        }
    }

    @Command(name = "majordomo", mixinStandardHelpOptions = true,
            description = "Round trips through the Majordomo broker to echo workers (1 and 2), sync and async, with "
                    + "the raw one-hop baseline measured first; ratios against it.")
    static final class Majordomo extends Scenario {
        @Mixin
        BenchOptions options = new BenchOptions();
        @Option(names = "--workers", paramLabel = "N", split = ",", defaultValue = "1,2",
                description = "Echo worker counts to measure (default: ${DEFAULT-VALUE}).")
        List<Integer> workers;
        @Option(names = "--handler", paramLabel = "MODE", split = ",", defaultValue = "inline,thread",
                description = "Where the echo workers run their handler: inline on the socket thread, or on a "
                        + "thread of its own (MajordomoWorker's default) (default: ${DEFAULT-VALUE}).")
        List<MajordomoScenario.HandlerMode> handlers;

        @Override
        void measure(BenchReport report) throws Exception {
            Require.that(!handlers.isEmpty(), "--handler needs at least one mode");
            MajordomoScenario.measure(options.validated(), positive(workers, "--workers"), handlers, report);
        }
    }

    @Command(name = "titanic", mixinStandardHelpOptions = true,
            description = "Acknowledged titanic.request/s (durable commits) from 1 and 16 concurrent clients, next to "
                    + "the raw fsync rate of the same directory (per record and per batch of 100).")
    static final class Titanic extends Scenario {
        @Mixin
        BenchOptions options = new BenchOptions();
        @Option(names = "--clients", paramLabel = "N", split = ",", defaultValue = "1,16",
                description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
        List<Integer> clients;
        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
                description = "Directory for the store and the fsync probe, removed afterwards; measure the disk "
                        + "you will run on (default: the current directory).")
        Path dir;

        @Override
        void measure(BenchReport report) throws Exception {
            TitanicScenario.measure(options.validated(), dir, positive(clients, "--clients"), report);
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Kills the active server of a Binary Star echo pair (child processes, kill -9) under "
                    + "client load; time from the last reply of the old active to the first of the new one.")
    static final class Failover extends Scenario {
        @Option(names = "--pair-heartbeat-ms", paramLabel = "MS", defaultValue = "100",
                description = "The pair's heartbeat (default: ${DEFAULT-VALUE}).")
        long heartbeatMillis;
        @Option(names = "--repeats", paramLabel = "N", defaultValue = "5",
                description = "Failovers to measure; the median is reported (default: ${DEFAULT-VALUE}).")
        int repeats;

        @Override
        void measure(BenchReport report) throws Exception {
            FailoverScenario.measure(Require.positive(repeats, "--repeats"),
                    Require.positive(heartbeatMillis, "--pair-heartbeat-ms"), report);
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "Requests/s through the Majordomo broker at 1, 100 and 1,000 services (2 workers each), "
                    + "1,000 clients with one request outstanding each; ratio to the smallest service count.")
    static final class Scale extends Scenario {
        @Mixin
        BenchOptions options = new BenchOptions();
        @Option(names = "--services", paramLabel = "N", split = ",", defaultValue = "1,100,1000",
                description = "Service counts to compare, the first is the baseline (default: ${DEFAULT-VALUE}).")
        List<Integer> services;
        @Option(names = "--workers-per-service", paramLabel = "N", defaultValue = "2",
                description = "Echo workers per service (default: ${DEFAULT-VALUE}).")
        int workersPerService;
        @Option(names = "--clients", paramLabel = "N", defaultValue = "1000",
                description = "Concurrent clients, one request outstanding each (default: ${DEFAULT-VALUE}).")
        int clients;

        @Override
        void measure(BenchReport report) throws Exception {
            ScaleScenario.measure(options.validated(), positive(services, "--services"),
                    Require.positive(workersPerService, "--workers-per-service"),
                    Require.positive(clients, "--clients"), report);
        }
    }

    @Command(name = "stack", mixinStandardHelpOptions = true,
            description = "The stack as a user runs it: broker, 2 workers and an async client, each a process of "
                    + "its own; requests/s against 2 x the lock-step ceiling, JeroMQ I/O-thread CPU and context "
                    + "switches per request, per scheduling policy (runs interleaved).")
    static final class Stack extends Scenario {
        @Mixin
        BenchOptions options = new BenchOptions();
        @Option(names = "--sched", split = ",", defaultValue = "normal,iobatch,batch", paramLabel = "POLICY",
                description = "Scheduling policies to compare: normal (ZRELIABLE_IO_SCHED=normal), iobatch (the "
                        + "default: JeroMQ's I/O threads under SCHED_BATCH), batch (chrt --batch 0) "
                        + "(default: ${DEFAULT-VALUE}).")
        List<StackScenario.Scheduling> policies;
        @Option(names = "--count", defaultValue = "30000", paramLabel = "N",
                description = "Requests the client sends per run (default: ${DEFAULT-VALUE}).")
        int count;

        @Override
        void measure(BenchReport report) throws Exception {
            Require.that(!policies.isEmpty(), "--sched needs at least one policy");
            StackScenario.measure(options.validated(), policies, Require.positive(count, "--count"), report);
        }
    }
}
