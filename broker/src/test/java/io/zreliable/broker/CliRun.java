package io.zreliable.broker;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the {@code zreliable} command line with its output captured, and access to the subcommand
 * object it ran (e.g. to stop a long-running command through its {@link ServiceLifetime}).
 */
final class CliRun {
    final CommandLine cli = ZReliableCommand.commandLine();
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    CliRun() {
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
    }

    int execute(String... args) {
        return cli.execute(args);
    }

    <T> T command(String name, Class<T> type) {
        return type.cast(cli.getSubcommands().get(name).getCommand());
    }
}
