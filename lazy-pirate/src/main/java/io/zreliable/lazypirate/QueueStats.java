package io.zreliable.lazypirate;

import java.util.Map;

/**
 * A snapshot of a {@link ParanoidPirateQueue}'s state and counters since it started.
 *
 * @param workers workers known to be alive (idle or busy)
 * @param idleWorkers workers waiting for a request
 * @param backlog requests waiting for a worker
 * @param requestsReceived well-formed requests taken from clients
 * @param requestsDispatched requests handed to a worker
 * @param repliesForwarded replies passed from workers back to clients
 * @param workersExpired workers forgotten after interval x liveness of silence
 * @param workersDisconnected workers forgotten because a message to them could not be routed (connection gone)
 * @param drops messages dropped, by reason ("backlog full", "malformed request", ...)
 * @param refusedFrames frames of impossible size refused before allocation, both sockets (see {@code FrameGuard})
 */
public record QueueStats(int workers, int idleWorkers, int backlog, long requestsReceived, long requestsDispatched,
        long repliesForwarded, long workersExpired, long workersDisconnected, Map<String, Long> drops,
        long refusedFrames) {

    /** Messages dropped for {@code reason}, 0 when none. */
    public long dropped(String reason) {
        return drops.getOrDefault(reason, 0L);
    }
}
