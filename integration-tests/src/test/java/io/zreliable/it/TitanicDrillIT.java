package io.zreliable.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.common.RetryPolicy;
import io.zreliable.titanic.TitanicClient;
import io.zreliable.titanic.TitanicException;
import io.zreliable.titanic.TspProtocol;
import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover drill 3, Titanic (9/TSP): a burst of requests is acknowledged (stored on disk, uuid returned), Titanic is
 * killed with kill -9 right after the last acknowledgement and restarted on the same store; every acknowledged request
 * must be answered. No echo worker exists until Titanic is back, so every acknowledged request is still pending when
 * Titanic dies: only the store can bring it back.
 */
@ExtendWith(DockerGate.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TitanicDrillIT {
    private static final int BURST = 50;
    private static final RetryPolicy POLICY = RetryPolicy.builder().timeoutMillis(1000).attempts(3).build();

    @Test
    void drill3TitanicKill9RightAfterAcknowledgingABurst() {
        try (MajordomoCluster cluster = new MajordomoCluster(300, 4)) {
            cluster.startBroker();
            ZReliableContainer titanic = cluster.startTitanic("/tmp/titanic-store");
            cluster.awaitService(TspProtocol.REQUEST, Drills.PATIENCE);

            DrillLoad load = DrillLoad.echo("titanic-burst");
            Map<DrillLoad.Request, String> open = new LinkedHashMap<>();
            long backAfter;
            try (TitanicClient client = new TitanicClient(List.of(cluster.endpoint()), POLICY)) {
                for (int i = 0; i < BURST; i++) {
                    DrillLoad.Request request = load.send();
                    String uuid = client.submit(MajordomoCluster.SERVICE, List.of(request.body()));
                    load.acknowledged(request); // on disk, says Titanic: it must be answered
                    open.put(request, uuid);
                }
                assertEquals(137, titanic.kill(), "kill -9 exit code");

                // The echo worker comes while Titanic is down, so that Titanic, once back, delivers at once
                // (requests it tried to deliver with no worker there would wait out its back-off first).
                cluster.startWorker("worker");
                cluster.awaitWorkers(1, Drills.PATIENCE);

                long restart = System.nanoTime();
                titanic.restart(); // same container, same store directory
                titanic.awaitLog("Titanic resumes dispatch of " + BURST + " pending requests", 1, Drills.PATIENCE);
                backAfter = awaitAnswering(client, open.values().iterator().next(), restart);

                collect(client, load, open);
            }
            DrillLoad.Summary s = load.summary();
            DrillReport.shared().add(DrillReport.Row.of("3 Titanic kill -9 after ack", s, backAfter,
                    BURST + " acknowledged, all still pending at the kill; restarted on the same store; "
                            + "outage = restart until Titanic answered again"));

            assertEquals(0, s.lost(), "acknowledged requests never answered: " + s);
            assertEquals(0, s.duplicated(), s.toString());
            assertEquals(0, s.wrong(), s.toString());
            assertEquals(BURST, s.answered(), s.toString());
            assertTrue(open.isEmpty(), "still open: " + open.values());
        }
    }

    /** Ms from {@code sinceNanos} until Titanic answers a titanic.reply again (pending or not). */
    private static long awaitAnswering(TitanicClient client, String uuid, long sinceNanos) {
        Drills.await(Drills.PATIENCE, () -> "Titanic answering titanic.reply again", () -> {
            try {
                client.poll(uuid);
                return true;
            } catch (RequestTimeoutException e) {
                return false;
            }
        });
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Polls every open request until it is answered, then closes it; a uuid Titanic forgot stays counted lost. */
    private static void collect(TitanicClient client, DrillLoad load, Map<DrillLoad.Request, String> open) {
        Drills.await(Drills.PATIENCE, () -> open.size() + " acknowledged requests not answered yet; " + load.summary(), () -> {
            Iterator<Map.Entry<DrillLoad.Request, String>> it = open.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<DrillLoad.Request, String> entry = it.next();
                try {
                    Optional<List<byte[]>> reply = client.poll(entry.getValue());
                    if (reply.isPresent()) {
                        load.replied(entry.getKey(), join(reply.get()));
                        client.close(entry.getValue());
                        it.remove();
                    }
                } catch (RequestTimeoutException e) {
                    return false; // Titanic or the broker not answering: poll again
                } catch (TitanicException e) {
                    if (!TspProtocol.UNKNOWN.equals(e.status())) {
                        throw e;
                    }
                    it.remove(); // Titanic forgot an acknowledged request: it stays counted as lost
                }
            }
            return open.isEmpty();
        });
    }

    private static byte[] join(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
