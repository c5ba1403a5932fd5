package io.zreliable.binarystar;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.zeromq.ZContext;

/** Base of the socket tests: a fresh context per test, and everything registered with {@link #track} closed after. */
abstract class SocketTest {
    protected ZContext ctx;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void openContext() {
        ctx = new ZContext();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        ctx.close();
    }

    /** Closes {@code resource} after the test, before the context, in reverse order of tracking. */
    protected <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
