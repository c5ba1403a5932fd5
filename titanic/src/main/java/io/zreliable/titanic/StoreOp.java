package io.zreliable.titanic;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One operation queued for the store's writer thread, with the future its caller waits on. */
sealed interface StoreOp {
    CompletableFuture<?> future();

    /** Local writes are journaled in one batch with one sync; the rest are answered after it. */
    default boolean isWrite() {
        return false;
    }

    /** Bytes the operation brings into the batch (bounds a batch's size). */
    default long bytes() {
        return 0;
    }

    record Submit(String uuid, String service, List<byte[]> body, long bytes, CompletableFuture<String> future)
            implements StoreOp {
        @Override
        public boolean isWrite() {
            return true;
        }
    }

    record Done(String uuid, List<byte[]> reply, long bytes, CompletableFuture<Boolean> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return true;
        }
    }

    record Close(String uuid, CompletableFuture<Void> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return true;
        }
    }

    /** Records read from another store's journal, appended with their own indexes. */
    record Replicate(List<JournalRecord> records, CompletableFuture<Long> future) implements StoreOp {
    }

    /** Checkpoints, retires every segment it can and rewrites the state file; completes with the bytes freed. */
    record Compact(CompletableFuture<Long> future) implements StoreOp {
    }

    record Lookup(String uuid, CompletableFuture<ReplyLookup> future) implements StoreOp {
    }

    record Get(String uuid, CompletableFuture<Optional<StoredRequest>> future) implements StoreOp {
    }

    record Pending(long fromSeq, int limit, CompletableFuture<List<StoredRequest>> future) implements StoreOp {
    }

    /** Ends the writer loop; sent by {@link TitanicStore#close()}. */
    record Stop(CompletableFuture<Void> future) implements StoreOp {
    }
}
