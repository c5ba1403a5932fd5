package io.zreliable.common;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * Makes a {@link DropCounter}'s drops visible without debug logging: one WARN line per interval at most, naming
 * how many messages were dropped since the previous line, by reason. A flood of drops therefore costs one log
 * line per interval, never one per message, and an operator still sees every drop counted. The owner calls
 * {@link #maybeLog()} from its timer. One thread (the owner's).
 */
public final class DropSummary {
    /** The default interval between two summaries. */
    public static final long DEFAULT_INTERVAL_MILLIS = 10_000;

    private final DropCounter drops;
    private final Logger log;
    private final String component;
    private final Clock clock;
    private final long intervalMillis;
    private Map<String, Long> reported = Map.of();
    private long reportedTotal;
    private long lastLineMillis;
    private boolean anyLine;

    /**
     * @param component named in each line (e.g. {@code majordomo broker})
     * @param intervalMillis the least time between two lines
     */
    public DropSummary(DropCounter drops, Logger log, String component, Clock clock, long intervalMillis) {
        this.drops = Require.notNull(drops, "drop counter");
        this.log = Require.notNull(log, "logger");
        this.component = Require.notNull(component, "component");
        this.clock = Require.notNull(clock, "clock");
        this.intervalMillis = Require.positive(intervalMillis, "summary interval");
    }

    /**
     * Logs the drops since the last line at WARN when there are any and the interval has passed since that line.
     *
     * @return the line logged, or null when nothing was logged
     */
    public String maybeLog() {
        long total = drops.total();
        long now = clock.millis();
        if (total == reportedTotal || anyLine && now - lastLineMillis < intervalMillis) {
            return null;
        }
        Map<String, Long> current = drops.snapshot();
        StringJoiner byReason = new StringJoiner(", ");
        for (Map.Entry<String, Long> entry : current.entrySet()) {
            long since = entry.getValue() - reported.getOrDefault(entry.getKey(), 0L);
            if (since > 0) {
                byReason.add(entry.getKey() + ": " + since);
            }
        }
        String line = component + " dropped " + (total - reportedTotal) + " message(s) since the last summary ("
                + byReason + "); " + total + " in all";
        log.warn(line);
        reported = new TreeMap<>(current);
        reportedTotal = total;
        lastLineMillis = now;
        anyLine = true;
        return line;
    }
}
