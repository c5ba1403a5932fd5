package io.zreliable.it;

import io.zreliable.common.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Settings of the failover drills (from Failsafe's system properties) and small helpers they share. */
final class Drills {
    /** Polling step while waiting for a condition; every wait also has a deadline. */
    static final Duration POLL = Duration.ofMillis(20);
    /** Deadline of a drill's waits: generous, the machine is a loaded two-core box. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private Drills() {
    }

    /** The base image of drill containers: local, never pulled. */
    static String image() {
        return System.getProperty("drills.image", "zreliable-drills/jre:local");
    }

    /** The packaged executable that the containers run. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("zreliable.jar", "../broker/target/zreliable.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("zreliable.jar not built (mvn package of module broker): " + jar);
        }
        return jar;
    }

    static Path reportFile() {
        return Path.of(System.getProperty("drills.report", "target/drill-report.md"));
    }

    static Path logDirectory() {
        return Path.of(System.getProperty("drills.logs", "target/drill-logs"));
    }

    /**
     * A TCP port that is free on 127.0.0.1 right now. Drills need fixed ports because a restarted process must come
     * back on the same endpoint; servers set SO_REUSEADDR so that TIME_WAIT of killed connections does not block.
     */
    static int freeLoopbackPort() {
        return LoopbackPorts.free();
    }

    static String endpoint(int port) {
        return LoopbackPorts.endpoint(port);
    }

    /** Polls {@code condition} until it holds; fails with {@code what} (evaluated late) at the deadline. */
    static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get());
            }
            pause(POLL);
        }
    }

    /** One polling step (never used to wait for a condition by itself: callers loop on a condition). */
    static void pause(Duration step) {
        try {
            Thread.sleep(step.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
