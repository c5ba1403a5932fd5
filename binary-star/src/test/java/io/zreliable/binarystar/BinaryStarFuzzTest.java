package io.zreliable.binarystar;

import static io.zreliable.binarystar.TestSupport.requestOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.FrameFuzzer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Malformed state messages published to an active primary by a fake backup, and malformed requests thrown at its
 * voter: the primary stays active, keeps serving, and counts the garbage.
 */
class BinaryStarFuzzTest extends SocketTest {
    private static final Duration ANSWER = Duration.ofSeconds(5);
    private static final int MESSAGES = 600;

    @Test
    void garbageStateMessagesAndRequestsNeverStopAnActiveServer() {
        FrameFuzzer fuzz = new FrameFuzzer(FrameFuzzer.seed(20L));
        ActivePrimary active = activePrimary();
        BinaryStar primary = active.primary();
        ZMQ.Socket fakeBackup = active.fakeBackup();
        String voter = active.voter();
        List<byte[]> backupState = ActivePrimary.BACKUP_STATE;
        assertEquals("before", requestOnce(ctx, voter, "before", ANSWER), fuzz.toString());

        ZMQ.Socket hostileClient = TestSupport.connect(ctx, SocketType.DEALER, voter);
        hostileClient.setSendTimeOut(0);
        hostileClient.setRcvHWM(100);
        for (int i = 0; i < MESSAGES; i++) {
            List<byte[]> garbage = fuzz.mutate(backupState);
            // A well-formed number is a real state: outside 1..4 it is fatal by design, and "1"/"3" would be a
            // configuration error of the pair; those are covered by BinaryStarTest, not garbage.
            if (!isNumber(garbage)) {
                FrameFuzzer.send(fakeBackup, garbage);
            }
            FrameFuzzer.send(fakeBackup, backupState);
            FrameFuzzer.send(hostileClient, fuzz.mutate(List.of("hello".getBytes())));
            while (hostileClient.recv(ZMQ.DONTWAIT) != null) {
                // drain the echoes
            }
            if (i % 100 == 99) {
                assertEquals("during " + i, requestOnce(ctx, voter, "during " + i, ANSWER), fuzz.toString());
            }
        }

        assertEquals("after", requestOnce(ctx, voter, "after", ANSWER), fuzz.toString());
        assertEquals(BstarState.ACTIVE, primary.state(), fuzz.toString());
        assertFalse(primary.termination().isDone(), fuzz.toString());
        assertTrue(primary.drops().count("bad state") > 0, primary.drops().snapshot() + " " + fuzz);
    }

    private static boolean isNumber(List<byte[]> frames) {
        if (frames.size() != 1 || frames.get(0).length == 0 || frames.get(0).length > 9) {
            return false;
        }
        for (byte b : frames.get(0)) {
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }
}
