package io.zreliable.it;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The drills' results as a Markdown table (header row, separator row, one row per drill, sorted by drill name). Each {@link #add} prints
 * the drill's report line and rewrites the whole table, so the file is complete whichever drill runs last and a
 * drill run that is cut short still leaves the rows it finished. Thread-safe.
 */
final class DrillReport {
    /** One drill's figures; {@code outageMs} is -1 when the drill has no outage to measure. */
    record Row(String drill, long sent, long answered, long failed, long lost, long duplicated, long outageMs,
            String notes) {

        static Row of(String drill, DrillLoad.Summary s, long outageMs, String notes) {
            return new Row(drill, s.sent(), s.answered(), s.failed(), s.lost(), s.duplicated(), outageMs, notes);
        }

        String line() {
            return "DRILL " + drill + ": sent=" + sent + " answered=" + answered + " failed=" + failed + " lost=" + lost
                    + " duplicated=" + duplicated + " outage_ms=" + outage() + (notes.isEmpty() ? "" : " (" + notes + ")");
        }

        String markdown() {
            return "| " + String.join(" | ", drill, Long.toString(sent), Long.toString(answered), Long.toString(failed),
                    Long.toString(lost), Long.toString(duplicated), outage(), notes.replace("|", "\\|")) + " |";
        }

        private String outage() {
            return outageMs < 0 ? "-" : Long.toString(outageMs);
        }
    }

    static final String HEADER = "| drill | sent | answered | failed | lost | duplicated | outage_ms | notes |";
    static final String SEPARATOR = "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |";

    private static final DrillReport SHARED = new DrillReport(Drills.reportFile(), System.out);

    private final Path file;
    private final PrintStream console;
    private final List<Row> rows = new ArrayList<>();

    /** A report written to {@code file} and printed to {@code console}. */
    DrillReport(Path file, PrintStream console) {
        this.file = file;
        this.console = console;
    }

    /** The report of this test run (target/drill-report.md). */
    static DrillReport shared() {
        return SHARED;
    }

    /** Prints the row's report line, adds it, rewrites the file and prints the table so far. */
    synchronized void add(Row row) {
        console.println(row.line());
        rows.add(row);
        String table = table();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the drill report " + file, e);
        }
        console.print("Drill report (" + file + "):\n" + table);
        console.flush();
    }

    synchronized String table() {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append(SEPARATOR).append('\n');
        // Drill names start with their number: the table lists them in drill order, whatever order they ran in.
        rows.stream().sorted(Comparator.comparing(Row::drill)).forEach(row -> out.append(row.markdown()).append('\n'));
        return out.toString();
    }
}
