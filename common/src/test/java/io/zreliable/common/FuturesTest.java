package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FuturesTest {
    @Test
    void unwrapsWhatADependentStageWrapsAndNothingElse() {
        IllegalStateException boom = new IllegalStateException("boom");
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CompletableFuture.failedFuture(boom).thenApply(x -> x).whenComplete((value, error) -> seen.set(error));

        assertSame(boom, Futures.cause(seen.get()));
        assertSame(boom, Futures.cause(boom));
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, Futures.cause(bare));
        assertNull(Futures.cause(null));
    }
}
