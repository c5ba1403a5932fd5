package io.zreliable.titanic;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * The child process of the store tests. {@code submit DIR}: opens the store and writes without end, printing
 * {@code ACK <uuid>}, {@code DONE <uuid> <reply>} and {@code CLOSED <uuid>} as each write is acknowledged, until
 * killed. {@code hold DIR}: opens
 * the store, prints {@code READY}, and keeps it open until stdin is closed.
 */
public final class StoreChild {
    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir));
        if (args[0].equals("hold")) {
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for end of stdin
            }
            store.close();
            return;
        }
        System.out.println("READY");
        System.out.flush();
        // Submits, and for some requests also stores a reply and then closes, so that crashes hit every kind of
        // write (inserts, in-place updates, deletes) while older acknowledged data sits in the same files.
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
                print("ACK " + uuid);
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
