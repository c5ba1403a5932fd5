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
        subcommands = {BenchCommand.Baseline.class, BenchCommand.Scale.class},
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
