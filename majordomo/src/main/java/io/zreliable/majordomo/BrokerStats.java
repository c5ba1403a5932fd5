package io.zreliable.majordomo;

import java.util.Map;

/**
 * A snapshot of a broker's counters, safe to read from any thread.
 *
 * @param requests client requests accepted for a service (MMI requests included)
 * @param replies replies sent to clients (a 0.2 worker's FINAL, a 0.1 worker's REPLY, a gathered stream)
 * @param partials PARTIAL replies received from MDP/0.2 workers (forwarded, or gathered for 0.1 clients)
 * @param workers workers registered now
 * @param services services known now (with workers or queued requests)
 * @param queued requests waiting for a worker now, all services
 * @param queuedBytes bytes charged for them against {@link BrokerConfig#maxQueueBytes()}
 * @param workersExpired workers dropped for silence
 * @param disconnectsSent DISCONNECT commands sent to workers
 * @param dropped messages dropped, all reasons
 * @param drops messages dropped by reason (malformed, queue full, protocol errors, ...)
 */
public record BrokerStats(long requests, long replies, long partials, int workers, int services, int queued,
        long queuedBytes, long workersExpired, long disconnectsSent, long dropped, Map<String, Long> drops) {

    /** Drops counted under {@code reason}, 0 when none. */
    public long drops(String reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
