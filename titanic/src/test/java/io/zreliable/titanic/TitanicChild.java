package io.zreliable.titanic;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.HeartbeatConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child process of the Titanic restart test: {@code ENDPOINT DIR HEARTBEAT_MS} runs a Titanic server against
 * the broker at ENDPOINT with its store in DIR, prints {@code READY}, and runs until stdin is closed or it is
 * killed.
 */
public final class TitanicChild {
    private TitanicChild() {
    }

    public static void main(String[] args) throws Exception {
        TitanicConfig config = TitanicTest.config(args[0], Path.of(args[1]), Long.parseLong(args[2]));
        try (Titanic titanic = Titanic.start(config)) {
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until stdin closes
            }
        }
    }
}
