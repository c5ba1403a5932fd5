package io.zreliable.common;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs a failure that a long-running component retries (an endpoint that does not resolve, a peer that refuses):
 * one WARN line when the failure is new, debug while the same one repeats, so that a retry loop never floods the
 * log. Up to {@value #REMEMBERED} distinct failures are remembered at once (then the memory starts afresh);
 * {@link #recovered()} after a success forgets them, so the next failure is news again. Every failure is counted.
 *
 * <p>{@link #of(Logger)} gives the one instance of a logger, shared by every component that logs there: ten workers
 * of one service failing the same way write one line, not ten. Thread-safe.
 */
public final class FailureLog {
    private static final Map<String, FailureLog> SHARED = new ConcurrentHashMap<>();

    /** Distinct failures remembered at once: bounds the memory whatever the messages. */
    static final int REMEMBERED = 64;

    private final Logger log;
    private final Set<String> current = new HashSet<>();
    private long failures;

    public FailureLog(Logger log) {
        this.log = Require.notNull(log, "logger");
    }

    /** The instance shared by everything that logs to {@code log}. */
    public static FailureLog of(Logger log) {
        return SHARED.computeIfAbsent(log.getName(), name -> new FailureLog(log));
    }

    /** Logs {@code message} (one line: what failed and what happens next) at WARN unless it is already known. */
    public void failed(String message) {
        boolean repeated;
        long count;
        synchronized (this) {
            failures++;
            count = failures;
            repeated = current.contains(message);
            if (!repeated) {
                if (current.size() == REMEMBERED) {
                    current.clear();
                }
                current.add(message);
            }
        }
        if (repeated) {
            log.debug("{} (again; {} failures logged here so far)", message, count);
        } else {
            log.warn(message);
        }
    }

    /** The failure is over: the next one is logged at WARN even if it is the same. */
    public synchronized void recovered() {
        current.clear();
    }

    /** Failures reported so far, logged or not. */
    public synchronized long failures() {
        return failures;
    }
}
