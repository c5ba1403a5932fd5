package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ZReliableCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = ZReliableCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpPrintsTheUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().startsWith("Usage: zreliable"), out.toString());
        assertTrue(out.toString().contains("--version"));
    }

    @Test
    void versionPrintsTheBuiltVersion() {
        assertEquals(0, run("--version"));
        String version = VersionProvider.version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), "filtered at build time: " + version);
        assertTrue(out.toString().startsWith("zreliable " + version), out.toString());
        assertTrue(out.toString().contains("JeroMQ 0.6.0"), out.toString());
    }

    @Test
    void anUnknownFlagIsAUsageErrorWithAMessage() {
        assertEquals(2, run("--no-such-flag"));
        assertTrue(err.toString().contains("Unknown option: '--no-such-flag'"), err.toString());
    }

    @Test
    void noSubcommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
    }
}
