package io.zreliable.broker;

import io.zreliable.common.IoThreadScheduling;

/** Entry point of {@code java -jar zreliable.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // JeroMQ's I/O threads under SCHED_BATCH unless ZRELIABLE_IO_SCHED=normal (see IoThreadScheduling).
        IoThreadScheduling.enableUnlessTurnedOff();
        System.exit(ZReliableCommand.commandLine().execute(args));
    }
}
