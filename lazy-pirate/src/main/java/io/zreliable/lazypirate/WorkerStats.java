package io.zreliable.lazypirate;

/**
 * A snapshot of a {@link ParanoidPirateWorker}'s counters.
 *
 * @param requestsHandled requests answered
 * @param handlerFailures requests whose handler threw or gave no reply
 * @param reconnects times the queue was declared dead and the socket reopened
 * @param malformedDropped messages from the queue that were not a PPP command or request
 */
public record WorkerStats(long requestsHandled, long handlerFailures, long reconnects, long malformedDropped) {
}
