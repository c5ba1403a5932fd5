package io.zreliable.common;

import java.util.concurrent.CompletionException;

/** Helpers for {@link java.util.concurrent.CompletionStage} callbacks. */
public final class Futures {
    private Futures() {
    }

    /**
     * The failure a stage's callback should act on: dependent stages wrap their cause in a
     * {@link CompletionException}, the stage that failed first does not; null stays null (no failure).
     */
    public static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
