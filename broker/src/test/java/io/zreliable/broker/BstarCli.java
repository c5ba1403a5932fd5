package io.zreliable.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.LoopbackPorts;
import java.io.StringWriter;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A {@link CliRun} with its output at hand (used by the titanic command tests), free loopback endpoints, and the
 * both-primary check shared by the Binary Star commands.
 */
final class BstarCli {
    private final CliRun run = new CliRun();
    final StringWriter out = run.out;
    final StringWriter err = run.err;

    int execute(String... args) {
        return run.execute(args);
    }

    /**
     * Runs two servers against each other, both as primary ({@code command} builds the arguments from the local and
     * peer state endpoints), and checks that both exit {@link BstarEchoCommand#EXIT_FATAL} saying why.
     */
    static void assertBothPrimaryExitFatal(BiFunction<String, String, String[]> command) throws Exception {
        String a = freeEndpoint();
        String b = freeEndpoint();
        CliRun one = new CliRun();
        CliRun two = new CliRun();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = executor.submit(() -> one.execute(command.apply(a, b)));
            Future<Integer> second = executor.submit(() -> two.execute(command.apply(b, a)));
            assertEquals(BstarEchoCommand.EXIT_FATAL, first.get(20, TimeUnit.SECONDS), one.err.toString());
            assertEquals(BstarEchoCommand.EXIT_FATAL, second.get(20, TimeUnit.SECONDS), two.err.toString());
        } finally {
            executor.shutdownNow();
        }
        for (CliRun run : new CliRun[] {one, two}) {
            assertTrue(run.err.toString().contains("error: fatal configuration error: both servers of the pair are "
                    + "configured as primary"), run.err.toString());
        }
    }

    /** A loopback endpoint on a port free right now. */
    static String freeEndpoint() {
        return LoopbackPorts.freeEndpoint();
    }
}
