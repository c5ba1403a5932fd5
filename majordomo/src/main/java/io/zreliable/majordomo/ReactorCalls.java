package io.zreliable.majordomo;

import io.zreliable.common.Reactor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a last command on a reactor's thread and waits for it, so a shutdown step is not lost to stop(). */
final class ReactorCalls {
    private static final Logger LOG = LoggerFactory.getLogger(ReactorCalls.class);
    private static final long WAIT_SECONDS = 5;

    private ReactorCalls() {
    }

    /** Runs {@code command} on the reactor's thread and waits up to 5 s for it (not at all if the loop is gone). */
    static void runAndWait(Reactor reactor, Runnable command, String what) {
        if (reactor.inReactorThread()) {
            command.run();
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        reactor.execute(() -> {
            try {
                command.run();
            } finally {
                done.countDown();
            }
        });
        try {
            if (!done.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("{} did not finish within {} s", what, WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
