package io.zreliable.broker;

import io.zreliable.common.EndpointException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code zreliable} command; each pattern adds its subcommands here. */
@Command(
        name = "zreliable",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Reliable request-reply for ZeroMQ: brokers, queues, workers and clients of the Guide's "
                + "reliability patterns.",
        // One group per module, kept apart by blank lines so that each module's commands are added independently.
        subcommands = {
            CommandLine.HelpCommand.class,

            // lazy-pirate
            PpQueueCommand.class,
            PpWorkerCommand.class,
            LpClientCommand.class,

            // majordomo
            BrokerCommand.class,
            WorkerCommand.class,
            ClientCommand.class,
            MmiCommand.class,

            // titanic
            TitanicCommand.class,
            TiclientCommand.class,

            // binary-star
            BstarEchoCommand.class,
            BstarClientCommand.class,

            // tools
            io.zreliable.broker.bench.BenchCommand.class,
            KeygenCommand.class,
        },
        usageHelpAutoWidth = true)
public final class ZReliableCommand implements Runnable {
    /** Columns of the help text when the terminal's width is unknown. */
    static final int USAGE_WIDTH = 120;
    /** Exit code for a bad flag or value, as picocli uses. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when a command gives up on an endpoint it cannot connect to or bind. */
    public static final int EXIT_UNREACHABLE = 1;

    /** The levels --log-level takes. */
    static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

    @Spec
    private CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log debug detail (drops, retries, workers): the same as --log-level debug.")
    void verbose(boolean verbose) {
        if (verbose) {
            logLevel("debug");
        }
    }

    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "Level of zreliable's own log lines on stderr: error, warn, info (default), debug or "
                    + "trace.")
    void logLevel(String level) {
        String lower = level.toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(lower)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log-level must be one of "
                    + String.join(", ", LOG_LEVELS) + ", was " + level);
        }
        // slf4j-simple reads a logger's level when the logger is created, i.e. when the library classes load,
        // which is after the command line is parsed.
        System.setProperty("org.slf4j.simpleLogger.log.io.zreliable", lower);
    }

    @Override
    public void run() {
        // No subcommand given: say what there is, and fail so a script notices.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /**
     * The command line with the project's error handling: a bad value ({@link IllegalArgumentException}) is a usage
     * error (exit 2) and an endpoint that cannot be used ({@link EndpointException}) a failure (exit 1), each one
     * {@code error:} line, not a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ZReliableCommand());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Wide enough that endpoints and examples stay on one line; a narrower terminal is still detected.
        cli.setUsageHelpWidth(USAGE_WIDTH);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                return report(commandLine, e, EXIT_USAGE);
            }
            if (e instanceof EndpointException) {
                // Well formed, but cannot be used (a host that does not resolve, an address in use): give up.
                return report(commandLine, e, EXIT_UNREACHABLE);
            }
            throw e;
        });
        return cli;
    }

    /** One line on stderr, {@code error: MESSAGE}, and the exit code. */
    private static int report(CommandLine commandLine, Exception e, int exitCode) {
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getColorScheme().errorText("error: " + e.getMessage()));
        err.flush();
        return exitCode;
    }
}
