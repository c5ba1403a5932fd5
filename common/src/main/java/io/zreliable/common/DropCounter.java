package io.zreliable.common;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Counts and logs messages a server dropped (malformed, unknown, over a limit), by reason. Dropping is logged at
 * debug, so a hostile peer cannot flood the log; the counters make the drops visible. Distinct reasons are capped at
 * {@value #MAX_REASONS}; further reasons are counted under {@value #OTHER}. Written by one thread, readable from any.
 */
public final class DropCounter {
    public static final int MAX_REASONS = 64;
    public static final String OTHER = "other";

    private final Logger log;
    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();

    public DropCounter(Logger log) {
        this.log = Require.notNull(log, "logger");
    }

    /** Counts one drop under {@code reason} and logs {@code detail} at debug. */
    public void drop(String reason, Object detail) {
        total.increment();
        counterFor(reason).increment();
        if (log.isDebugEnabled()) {
            log.debug("dropped message ({}): {}", reason, detail);
        }
    }

    /** Counts a malformed message under its reason. */
    public void drop(MalformedMessageException e) {
        drop(e.reason(), e.getMessage());
    }

    public long total() {
        return total.sum();
    }

    public long count(String reason) {
        LongAdder counter = byReason.get(reason);
        return counter == null ? 0L : counter.sum();
    }

    /** The counts by reason, sorted by reason. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        byReason.forEach((reason, counter) -> copy.put(reason, counter.sum()));
        return copy;
    }

    private LongAdder counterFor(String reason) {
        LongAdder counter = byReason.get(reason);
        if (counter != null) {
            return counter;
        }
        if (byReason.size() >= MAX_REASONS) {
            return byReason.computeIfAbsent(OTHER, r -> new LongAdder());
        }
        return byReason.computeIfAbsent(reason, r -> new LongAdder());
    }
}
