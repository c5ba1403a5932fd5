package io.zreliable.broker.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Prints each row's machine-readable line as soon as it is measured, and a Markdown table of all rows at the end.
 */
final class BenchReport {
    private final PrintWriter out;
    private final List<BenchRow> rows = new ArrayList<>();

    BenchReport(PrintWriter out) {
        this.out = out;
    }

    void add(BenchRow row) {
        rows.add(row);
        out.println(row.benchLine());
        out.flush();
    }

    List<BenchRow> rows() {
        return List.copyOf(rows);
    }

    /** One table with a column for every param and metric any row has; a row lacking one shows blank. */
    void printTable() {
        Set<String> params = new LinkedHashSet<>();
        Set<String> metrics = new LinkedHashSet<>();
        for (BenchRow row : rows) {
            params.addAll(row.params().keySet());
            metrics.addAll(row.metrics().keySet());
        }
        StringBuilder header = new StringBuilder("| variant |");
        StringBuilder separator = new StringBuilder("| --- |");
        for (String column : params) {
            header.append(' ').append(column).append(" |");
            separator.append(" --- |");
        }
        for (String column : metrics) {
            header.append(' ').append(column).append(" |");
            separator.append(" ---: |");
        }
        out.println();
        out.println(header);
        out.println(separator);
        for (BenchRow row : rows) {
            StringBuilder line = new StringBuilder("| ").append(row.name()).append(" |");
            params.forEach(p -> line.append(' ').append(row.params().getOrDefault(p, "")).append(" |"));
            metrics.forEach(m -> line.append(' ').append(row.metrics().getOrDefault(m, "")).append(" |"));
            out.println(line);
        }
        out.flush();
    }
}
