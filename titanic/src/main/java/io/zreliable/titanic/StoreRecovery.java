package io.zreliable.titanic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the two replicas of a store directory, first repairing whatever a crash left behind. The commit marker
 * says which replica may be torn; that one is replaced by a copy of the other, which is complete and holds every
 * acknowledged operation. Anything the marker does not explain (a replica that fails to open or verify, replicas
 * without a marker, replicas at different batches) is an error naming the file: the store never silently starts
 * empty or drops data. Called with the directory lock held.
 */
final class StoreRecovery {
    static final String REPLICA_A = "titanic-a.db";
    static final String REPLICA_B = "titanic-b.db";
    /** The fresh file compaction writes before swapping it in; a leftover one is incomplete and deleted. */
    static final String COMPACT_FILE = "titanic-compact.db";

    private static final Logger LOG = LoggerFactory.getLogger(StoreRecovery.class);

    record Opened(Replica a, Replica b, Replica.Stats stats) {
    }

    private StoreRecovery() {
    }

    static Opened open(Path dir, CommitMarker marker) {
        Path a = dir.resolve(REPLICA_A);
        Path b = dir.resolve(REPLICA_B);
        CommitMarker.Content content = CommitMarker.read(dir);
        if (content == null) {
            if (Files.exists(a) || Files.exists(b)) {
                throw new TitanicStoreException(CommitMarker.path(dir),
                        "store directory holds replica files but no commit marker; not a complete Titanic store");
            }
            return create(a, b, marker);
        }
        // Stores written by older versions used MapDB's write-ahead log, never replayed: leftover log files are useless.
        deleteWalFiles(dir);
        deleteIfExists(dir.resolve(COMPACT_FILE));
        switch (content.state()) {
            case CREATING:
                deleteIfExists(a);
                deleteIfExists(b);
                return create(a, b, marker);
            case A_IN_DOUBT:
                LOG.warn("Titanic store was not closed cleanly during batch {}; restoring {} from {}",
                        content.batch(), a.getFileName(), b.getFileName());
                verifySource(b);
                restore(b, a);
                break;
            case B_IN_DOUBT:
                LOG.warn("Titanic store was not closed cleanly during batch {}; restoring {} from {}",
                        content.batch(), b.getFileName(), a.getFileName());
                verifySource(a);
                restore(a, b);
                break;
            case CLEAN:
                if (!Files.exists(a) && Files.exists(b)) {
                    LOG.warn("Titanic replica {} is missing; rebuilding it from {}", a, b);
                    restore(b, a);
                } else if (!Files.exists(b) && Files.exists(a)) {
                    LOG.warn("Titanic replica {} is missing; rebuilding it from {}", b, a);
                    restore(a, b);
                }
                break;
            default:
                throw new IllegalStateException("unknown marker state " + content.state());
        }
        return openBoth(a, b, content.state() == CommitMarker.State.CLEAN);
    }

    private static Opened create(Path a, Path b, CommitMarker marker) {
        marker.write(CommitMarker.State.CREATING, 0);
        Replica ra = Replica.create(a);
        Replica rb;
        try {
            rb = Replica.create(b);
        } catch (RuntimeException e) {
            ra.close();
            throw e;
        }
        marker.write(CommitMarker.State.CLEAN, 0);
        return new Opened(ra, rb, new Replica.Stats(0, 0, 0, 0, 0));
    }

    private static Opened openBoth(Path a, Path b, boolean verifyBoth) {
        Replica ra = null;
        Replica rb = null;
        try {
            ra = Replica.open(a);
            Replica.Stats stats = ra.verify();
            rb = Replica.open(b);
            if (verifyBoth) {
                Replica.Stats other = rb.verify();
                if (other.batch() != stats.batch() || other.lastSeq() != stats.lastSeq()) {
                    throw new TitanicStoreException(b, "replica is at batch " + other.batch() + " but "
                            + a.getFileName() + " is at batch " + stats.batch() + "; the store was modified outside "
                            + "Titanic. Delete the replica you do not trust: it is rebuilt from the other on start");
                }
            }
            return new Opened(ra, rb, stats);
        } catch (TitanicStoreException e) {
            if (ra != null) {
                ra.close();
            }
            if (rb != null) {
                rb.close();
            }
            if (verifyBoth) {
                throw new TitanicStoreException(e.file(), e.reason()
                        + ". If the other replica is intact, delete this file: it is rebuilt from the other on start",
                        e);
            }
            throw e;
        }
    }

    /** Checks the replica a repair will copy, before anything is overwritten with it. */
    private static void verifySource(Path source) {
        try (Replica replica = Replica.open(source)) {
            replica.verify();
        }
    }

    /** Replaces {@code target} by a durable copy of {@code source} (copy to a temporary file, fsync, rename). */
    static void restore(Path source, Path target) {
        if (!Files.isRegularFile(source)) {
            throw new TitanicStoreException(source, "cannot repair " + target.getFileName()
                    + ": its intact replica is missing");
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            syncFile(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(target.getParent());
        } catch (IOException e) {
            throw new TitanicStoreException(target, "cannot restore from " + source + ": " + e.getMessage(), e);
        }
    }

    static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // not every platform can fsync a directory; the rename is still atomic
        }
    }

    private static void deleteWalFiles(Path dir) {
        try (DirectoryStream<Path> wal = Files.newDirectoryStream(dir, "titanic-*.db.wal.*")) {
            for (Path file : wal) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new TitanicStoreException(dir, "cannot clean up write-ahead log files: " + e.getMessage(), e);
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new TitanicStoreException(file, "cannot delete: " + e.getMessage(), e);
        }
    }
}
