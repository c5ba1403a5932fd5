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
        subcommands = {BenchCommand.Baseline.class},
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
}
