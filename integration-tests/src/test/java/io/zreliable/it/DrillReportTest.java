package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DrillReportTest {

    @Test
    void writesAMarkdownTableWithOneRowPerDrill(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/drill-report.md");
        DrillReport report = new DrillReport(file);
        DrillLoad load = DrillLoad.echo("x");
        DrillLoad.Request r = load.send();
        load.replied(r, r.body());
        report.add(DrillReport.Row.of("broker kill -9", load.summary(), 812, "a|b"));
        report.add(new DrillReport.Row("sigterm", 5, 5, 0, 0, 0, -1, ""));

        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(
                "| drill | sent | answered | failed | lost | duplicated | outage_ms | notes |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
                "| broker kill -9 | 1 | 1 | 0 | 0 | 0 | 812 | a\\|b |",
                "| sigterm | 5 | 5 | 0 | 0 | 0 | - |  |"), lines);
        assertEquals("DRILL sigterm: sent=5 answered=5 failed=0 lost=0 duplicated=0 outage_ms=-",
                new DrillReport.Row("sigterm", 5, 5, 0, 0, 0, -1, "").line());
    }
}
