package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line speaks one vocabulary: the README's flag table lists every flag a command shows, a flag means
 * the same value everywhere, each help has examples and no {@code <fieldName>} placeholders, the older spellings
 * still work but are not shown, and servers bind loopback unless told otherwise.
 */
class CommandVocabularyTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern FLAG = Pattern.compile("--[a-z][a-z-]*");

    @Test
    void theReadmeTableListsEveryFlagACommandShows() throws IOException {
        String readme = Files.readString(README);
        String table = readme.substring(readme.indexOf("<!-- flag-vocabulary -->"),
                readme.indexOf("<!-- /flag-vocabulary -->"));
        List<String> listed = new ArrayList<>();
        Matcher flags = FLAG.matcher(table);
        while (flags.find()) {
            listed.add(flags.group());
        }
        List<String> missing = new ArrayList<>();
        for (CommandLine command : commands()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (!option.hidden() && !option.usageHelp() && !option.versionHelp()
                        && !listed.contains(option.longestName())) {
                    missing.add(command.getCommandName() + " " + option.longestName());
                }
            }
        }
        assertEquals(List.of(), missing, "flags missing from the README's vocabulary table");
    }

    @Test
    void aFlagTakesTheSameKindOfValueEverywhere() {
        Map<String, String> labels = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (CommandLine command : commands()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                String label = option.paramLabel();
                String before = labels.putIfAbsent(option.longestName(), label);
                if (before != null && !before.equals(label)) {
                    clashes.add(option.longestName() + ": " + before + " / " + label + " in "
                            + command.getCommandName());
                }
            }
        }
        assertEquals(List.of(), clashes);
    }

    @Test
    void everyHelpHasExamplesAndNamedValuesAndLogFlags() {
        for (CommandLine command : commands()) {
            String help = command.getUsageMessage();
            String name = command.getCommandName();
            boolean group = !command.getSubcommands().isEmpty();
            assertTrue(group || help.contains("\nExamples:\n") || name.equals("help")
                    || command.getParent() != null && command.getParent().getCommandName().equals("bench"),
                    name + " has no examples:\n" + help);
            assertFalse(help.matches("(?s).*<[a-z][A-Za-z]*>.*"), name + " shows a field name:\n" + help);
            if (!name.equals("help")) {
                assertTrue(help.contains("--log-level=LEVEL") && help.contains("-v, --verbose"), name + ":\n" + help);
            }
        }
    }

    @Test
    void olderSpellingsStillWorkButAreNotShown() {
        assertHidden("bstar-echo", "--primary", "--backup", "--heartbeat-ms");
        assertHidden("bstar-client", "--heartbeat-ms");
        assertHidden("broker", "--ha-heartbeat-ms", "--curve-secret-key-file");
        assertHidden("ppworker", "--reconnect-initial-ms");

        CliRun legacy = new CliRun();
        assertEquals(2, legacy.execute("bstar-echo", "--primary", "--bind", "tcp://127.0.0.1:1", "--local",
                "tcp://127.0.0.1:2", "--peer", "tcp://127.0.0.1:3", "--heartbeat-ms", "0"));
        assertEquals("error: --pair-heartbeat-ms must be > 0, was 0\n", legacy.err.toString(),
                "the old name set the new setting");
    }

    @Test
    void flagsThatNeedAnotherAreRefusedWithoutIt() {
        CliRun pair = new CliRun();
        assertEquals(2, pair.execute("broker", "--pair-heartbeat-ms", "500"));
        assertEquals("error: --pair-heartbeat-ms applies only with --ha\n", pair.err.toString());
        CliRun reconnect = new CliRun();
        assertEquals(2, reconnect.execute("worker", "--reconnect-ms", "2000", "--reconnect-max-ms", "1000"));
        assertTrue(reconnect.err.toString().startsWith("error: --reconnect-max-ms must be >= --reconnect-ms"),
                reconnect.err.toString());
    }

    @Test
    void serversBindLoopbackByDefault() {
        CommandLine cli = ZReliableCommand.commandLine();
        CommandLine ppqueue = cli.getSubcommands().get("ppqueue");
        assertEquals("tcp://127.0.0.1:5555", ppqueue.getCommandSpec().findOption("--frontend").defaultValue());
        assertEquals("tcp://127.0.0.1:5556", ppqueue.getCommandSpec().findOption("--backend").defaultValue());
        assertTrue(cli.getSubcommands().get("broker").getUsageMessage()
                .contains("(default: tcp://127.0.0.1:5555)"));
    }

    private static void assertHidden(String command, String... names) {
        CommandLine cli = ZReliableCommand.commandLine().getSubcommands().get(command);
        for (String name : names) {
            OptionSpec option = cli.getCommandSpec().findOption(name);
            assertTrue(option != null && option.hidden(), command + " " + name);
            assertFalse(cli.getUsageMessage().contains(name + "="), command + " shows " + name);
        }
    }

    /** Every command and subcommand. */
    private static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(ZReliableCommand.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().forEach(sub -> collect(sub, into));
    }
}
