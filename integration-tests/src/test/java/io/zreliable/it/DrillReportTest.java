package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillReportTest {

    @Test
    void writesAMarkdownTableWithOneRowPerDrillInDrillOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/drill-report.md");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        DrillReport report = new DrillReport(file, new PrintStream(console, true, StandardCharsets.UTF_8));
        DrillLoad load = DrillLoad.echo("x");
        DrillLoad.Request r = load.send();
        load.replied(r, r.body());
        report.add(new DrillReport.Row("sigterm", 5, 5, 0, 0, 0, -1, ""));
        report.add(DrillReport.Row.of("broker kill -9", load.summary(), 812, "a|b"));

        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(
                "| drill | sent | answered | failed | lost | duplicated | outage_ms | notes |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
                "| broker kill -9 | 1 | 1 | 0 | 0 | 0 | 812 | a\\|b |",
                "| sigterm | 5 | 5 | 0 | 0 | 0 | - |  |"), lines);
        String printed = console.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("DRILL sigterm: sent=5 answered=5 failed=0 lost=0 duplicated=0 outage_ms=-\n"),
                printed);
        assertTrue(printed.contains("DRILL broker kill -9: sent=1 answered=1 failed=0 lost=0 duplicated=0 "
                + "outage_ms=812 (a|b)\n"), printed);
        assertTrue(printed.endsWith(String.join("\n", lines) + "\n"), "the table is printed too: " + printed);
    }
}
