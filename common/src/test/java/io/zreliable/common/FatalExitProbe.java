package io.zreliable.common;

/**
 * A process for {@link ContextsExitTest}: it registers a shutdown hook that would exit 0 (as the CLI's does after a
 * clean close), then reports a thread failure to the default fatal handler.
 */
public final class FatalExitProbe {
    private FatalExitProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(0)));
        Thread failed = new Thread(() -> {
            throw new NegativeArraySizeException("-1");
        }, "iothread-2");
        failed.setUncaughtExceptionHandler(Contexts::fatal);
        failed.start();
        failed.join();
        Thread.sleep(10_000); // not reached: the handler halts the process
    }
}
