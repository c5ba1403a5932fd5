package io.zreliable.titanic;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One operation queued for the store's writer thread, with the future its caller waits on. */
sealed interface StoreOp {
    CompletableFuture<?> future();

    /** Writes go through a group commit; reads are answered after it, from committed state. */
    default boolean isWrite() {
        return true;
    }

    record Submit(String uuid, String service, List<byte[]> body, long bytes, CompletableFuture<String> future)
            implements StoreOp {
    }

    record Done(String uuid, List<byte[]> reply, long bytes, CompletableFuture<Boolean> future) implements StoreOp {
    }

    record Close(String uuid, CompletableFuture<Void> future) implements StoreOp {
    }

    /** Rewrites the replicas with only their live data; completes with the bytes reclaimed per replica. */
    record Compact(CompletableFuture<Long> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return false;
        }
    }

    record Lookup(String uuid, CompletableFuture<ReplyLookup> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return false;
        }
    }

    record Get(String uuid, CompletableFuture<Optional<StoredRequest>> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return false;
        }
    }

    record Pending(long fromSeq, int limit, CompletableFuture<List<StoredRequest>> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return false;
        }
    }

    /** Ends the writer loop; sent by {@link TitanicStore#close()}. */
    record Stop(CompletableFuture<Void> future) implements StoreOp {
        @Override
        public boolean isWrite() {
            return false;
        }
    }
}
