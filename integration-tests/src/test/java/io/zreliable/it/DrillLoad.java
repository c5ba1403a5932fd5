package io.zreliable.it;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Bookkeeping of a drill's client load, per request: sent, told succeeded ({@link #acknowledged} or a reply),
 * answered with the correct body, answered twice (duplicated), told failed. Thread-safe: clients on any thread
 * record their requests here, the drill reads a {@link Summary} at the end.
 *
 * <p>{@code lost} counts requests that the application was told succeeded (a reply was delivered, or the request
 * was acknowledged, as Titanic does) and never got their own correct reply: a reply with another request's body is a
 * loss, not an answer. A request whose failure was reported to the application (e.g. a timeout after all retries) is
 * not lost: the application knows and may retry; it is counted as {@code failed}.
 */
final class DrillLoad {
    /** One request of the load; {@code body} is unique so a misrouted reply is recognised. */
    record Request(long id, byte[] body, long sentNanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The counts of a finished load. {@code pending}: neither answered nor failed (a drill expects 0). */
    record Summary(long sent, long answered, long failed, long lost, long duplicated, long wrong, long pending) {
    }

    private static final class Outcome {
        final Request request;
        volatile boolean acknowledged;
        volatile boolean failed;
        volatile long answeredNanos;
        int answers;
        int wrongReplies;

        Outcome(Request request) {
            this.request = request;
        }
    }

    private final String name;
    private final UnaryOperator<byte[]> expectedReply;
    private final LongSupplier nanoClock;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentMap<Long, Outcome> outcomes = new ConcurrentHashMap<>();

    /** A load whose correct reply to a request is {@code expectedReply(body)}. */
    DrillLoad(String name, UnaryOperator<byte[]> expectedReply) {
        this(name, expectedReply, System::nanoTime);
    }

    /** With the clock that stamps sends and answers ({@link System#nanoTime()} semantics; tests pass their own). */
    DrillLoad(String name, UnaryOperator<byte[]> expectedReply, LongSupplier nanoClock) {
        this.name = name;
        this.expectedReply = expectedReply;
        this.nanoClock = nanoClock;
    }

    /** A load against an echo service: the correct reply is the request's own body. */
    static DrillLoad echo(String name) {
        return new DrillLoad(name, body -> body);
    }

    /** Records a new request as sent and returns it; its body is {@code <name>-<id>}. */
    Request send() {
        long id = ids.incrementAndGet();
        Request request = new Request(id, (name + "-" + id).getBytes(StandardCharsets.UTF_8), nanoClock.getAsLong());
        outcomes.put(id, new Outcome(request));
        return request;
    }

    /** The application was told the request is accepted (e.g. Titanic's 200 with a UUID): it must be answered. */
    void acknowledged(Request request) {
        outcome(request).acknowledged = true;
    }

    /** A reply to {@code request} was delivered to the application. */
    void replied(Request request, byte[] reply) {
        Outcome outcome = outcome(request);
        synchronized (outcome) {
            outcome.acknowledged = true;
            if (!Arrays.equals(expectedReply.apply(request.body()), reply)) {
                outcome.wrongReplies++;
            } else if (outcome.answers++ == 0) {
                outcome.answeredNanos = nanoClock.getAsLong();
            }
        }
    }

    /** The application was told the request failed (timeout after all retries, broker gone, ...). */
    void failed(Request request) {
        outcome(request).failed = true;
    }

    Summary summary() {
        long sent = 0;
        long answered = 0;
        long failed = 0;
        long lost = 0;
        long duplicated = 0;
        long wrong = 0;
        long pending = 0;
        for (Outcome o : outcomes.values()) {
            synchronized (o) {
                sent++;
                wrong += o.wrongReplies;
                if (o.answers > 0) {
                    answered++;
                    duplicated += o.answers - 1;
                } else if (o.acknowledged) {
                    lost++;
                } else if (o.failed) {
                    failed++;
                } else {
                    pending++;
                }
            }
        }
        return new Summary(sent, answered, failed, lost, duplicated, wrong, pending);
    }

    /**
     * Outage seen by the application: the longest time without any correct answer, counted from the last answer
     * before {@code faultNanos} (a {@link System#nanoTime()} value taken just before the fault) through the answers
     * after it. Under a steady load the usual gap is a few ms, so this is the fault's gap; -1 when nothing was
     * answered after the fault.
     */
    long outageMillis(long faultNanos) {
        return outageMillis(faultNanos, Long.MAX_VALUE);
    }

    /** As {@link #outageMillis(long)}, counting only answers up to {@code untilNanos} (a second fault's start). */
    long outageMillis(long faultNanos, long untilNanos) {
        long[] times = outcomes.values().stream().mapToLong(o -> o.answeredNanos)
                .filter(t -> t != 0 && (untilNanos == Long.MAX_VALUE || t - untilNanos <= 0)).sorted().toArray();
        if (times.length == 0 || times[times.length - 1] - faultNanos <= 0) {
            return -1;
        }
        int from = 0;
        while (from + 1 < times.length && times[from + 1] - faultNanos <= 0) {
            from++; // the last answer before the fault opens the gap
        }
        long longest = Math.max(0, times[from] - faultNanos);
        for (int i = from + 1; i < times.length; i++) {
            longest = Math.max(longest, times[i] - times[i - 1]);
        }
        return longest / 1_000_000;
    }

    /** The longest time the application waited for a correct answer (send to answer, retries included); -1: none. */
    long longestWaitMillis() {
        return outcomes.values().stream().filter(o -> o.answeredNanos != 0)
                .mapToLong(o -> (o.answeredNanos - o.request.sentNanos()) / 1_000_000).max().orElse(-1);
    }

    /** Number of correct answers so far (for drills that wait for the load to progress). */
    long answeredCount() {
        return outcomes.values().stream().filter(o -> o.answeredNanos != 0).count();
    }

    /** Correct answers to requests sent after {@code nanos} (recovery check after a fault). */
    long answeredSentAfter(long nanos) {
        return outcomes.values().stream()
                .filter(o -> o.answeredNanos != 0 && o.request.sentNanos() - nanos >= 0).count();
    }

    private Outcome outcome(Request request) {
        Outcome outcome = outcomes.get(request.id());
        if (outcome == null) {
            throw new IllegalArgumentException("request " + request.id() + " was not sent through this load");
        }
        return outcome;
    }
}
