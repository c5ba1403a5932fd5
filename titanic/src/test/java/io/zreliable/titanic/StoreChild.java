package io.zreliable.titanic;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The child process of the store tests. {@code submit DIR [SEGMENT_BYTES]}: opens the store and writes without end,
 * printing {@code ACK <uuid> <id>}, {@code DONE <uuid> <reply>} and {@code CLOSED <uuid>} as each write is
 * acknowledged, until killed. {@code write DIR COUNT SEGMENT_BYTES}: opens the store with checkpoints put off,
 * submits COUNT requests one after another (each even one answered and every fourth closed), prints
 * {@code WROTE}, and waits to be killed, so that the journal holds records no checkpoint covers.
 * {@code hold DIR}: opens the store, prints {@code READY}, and keeps it open until stdin is closed.
 */
public final class StoreChild {
    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> hold(dir);
            case "write" -> write(dir, Integer.parseInt(args[2]), Long.parseLong(args[3]));
            default -> submit(dir, args.length > 2 ? Long.parseLong(args[2]) : 16L << 20);
        }
    }

    private static void hold(Path dir) throws Exception {
        TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir));
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for end of stdin
        }
        store.close();
    }

    private static void write(Path dir, int count, long segmentBytes) throws Exception {
        TitanicStore store = TitanicStore.open(TitanicStoreConfig.builder(dir).segmentBytes(segmentBytes)
                .checkpointIntervalMillis(3_600_000).checkpointBytes(1L << 30).build());
        for (int id = 0; id < count; id++) {
            String uuid = store.submit("echo", List.of(("request-" + id).getBytes())).get();
            print("ACK " + uuid + " " + id);
            if (id % 2 == 0 && id < count - 1) {
                store.storeReply(uuid, List.of(("reply-" + id).getBytes())).get();
                print("DONE " + uuid + " reply-" + id);
                if (id % 4 == 0) {
                    store.close(uuid).get();
                    print("CLOSED " + uuid);
                }
            }
        }
        print("WROTE");
        while (System.in.read() >= 0) {
            // wait to be killed
        }
    }

    private static void submit(Path dir, long segmentBytes) throws Exception {
        TitanicStore store = TitanicStore.open(TitanicStoreConfig.builder(dir).segmentBytes(segmentBytes)
                .checkpointIntervalMillis(50).checkpointBytes(64 * 1024).build());
        System.out.println("READY");
        System.out.flush();
        // Submits, and for some requests also stores a reply and then closes, so that crashes hit every kind of
        // record while checkpoints and segment retirement run.
        Semaphore inFlight = new Semaphore(64);
        long n = 0;
        while (true) {
            inFlight.acquire();
            long id = n++;
            store.submit("echo", List.of(("request-" + id).getBytes())).whenComplete((uuid, error) -> {
                inFlight.release();
                if (error != null) {
                    return;
                }
                print("ACK " + uuid + " " + id);
                if (id % 2 == 0) {
                    store.storeReply(uuid, List.of(("reply-" + id).getBytes())).thenAccept(stored -> {
                        print("DONE " + uuid + " reply-" + id);
                        if (id % 4 == 0) {
                            store.close(uuid).thenRun(() -> print("CLOSED " + uuid));
                        }
                    });
                }
            });
        }
    }

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }
}
