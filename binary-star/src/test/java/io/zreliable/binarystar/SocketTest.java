package io.zreliable.binarystar;

import io.zreliable.common.FrameFuzzer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

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

    /**
     * A primary made active by a fake backup (a PUB publishing "backup" states, for the test to keep feeding), with
     * an echoing ROUTER voter.
     */
    protected ActivePrimary activePrimary() {
        ZMQ.Socket fakeBackup = ctx.createSocket(SocketType.PUB);
        fakeBackup.setLinger(0);
        fakeBackup.setSendTimeOut(0);
        String fakeEndpoint = TestSupport.endpoint(fakeBackup.bindToRandomPort("tcp://127.0.0.1"));
        BinaryStar primary = track(new BinaryStar(ctx, BinaryStarConfig.builder().role(Role.PRIMARY)
                .local(TestSupport.endpoint(TestSupport.freePort())).peer(fakeEndpoint)
                .heartbeatMillis(TestSupport.HEARTBEAT_MS).build()));
        String voter = primary.voter(TestSupport.endpoint(TestSupport.freePort()), SocketType.ROUTER,
                TestSupport::echo);
        primary.start();
        ActivePrimary active = new ActivePrimary(primary, fakeBackup, voter);
        TestSupport.await("the primary active", () -> {
            active.sendBackupState();
            return primary.state() == BstarState.ACTIVE;
        });
        return active;
    }

    /** An active primary, the fake backup keeping it so, and the primary's voter endpoint. */
    protected record ActivePrimary(BinaryStar primary, ZMQ.Socket fakeBackup, String voter) {
        static final List<byte[]> BACKUP_STATE = List.of(Integer.toString(BstarProtocol.STATE_BACKUP).getBytes());

        void sendBackupState() {
            FrameFuzzer.send(fakeBackup, BACKUP_STATE);
        }
    }

    /** Closes {@code resource} after the test, before the context, in reverse order of tracking. */
    protected <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
