package io.zreliable.binarystar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.binarystar.BinaryStarException.Reason;
import io.zreliable.common.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BinaryStarFsmTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);

    /**
     * The whole transition table: role, state, event, whether the peer has expired, and the outcome (the next
     * state and whether a client request is served, or the fatal reason). Every reachable (role, state) pair meets
     * every event with the peer both alive and expired; {@link #tableIsExhaustive()} checks nothing is missing.
     */
    private static final String[] TABLE = {
        // role     state    event           expired  outcome
        "PRIMARY PRIMARY PEER_PRIMARY   alive   fatal BOTH_PRIMARY",
        "PRIMARY PRIMARY PEER_PRIMARY   expired fatal BOTH_PRIMARY",
        "PRIMARY PRIMARY PEER_BACKUP    alive   ACTIVE",
        "PRIMARY PRIMARY PEER_BACKUP    expired ACTIVE",
        "PRIMARY PRIMARY PEER_ACTIVE    alive   PASSIVE",
        "PRIMARY PRIMARY PEER_ACTIVE    expired PASSIVE",
        "PRIMARY PRIMARY PEER_PASSIVE   alive   PRIMARY",
        "PRIMARY PRIMARY PEER_PASSIVE   expired PRIMARY",
        "PRIMARY PRIMARY CLIENT_REQUEST alive   PRIMARY rejected",
        "PRIMARY PRIMARY CLIENT_REQUEST expired ACTIVE accepted",

        "BACKUP  BACKUP  PEER_PRIMARY   alive   BACKUP",
        "BACKUP  BACKUP  PEER_PRIMARY   expired BACKUP",
        "BACKUP  BACKUP  PEER_BACKUP    alive   fatal BOTH_BACKUP",
        "BACKUP  BACKUP  PEER_BACKUP    expired fatal BOTH_BACKUP",
        "BACKUP  BACKUP  PEER_ACTIVE    alive   PASSIVE",
        "BACKUP  BACKUP  PEER_ACTIVE    expired PASSIVE",
        "BACKUP  BACKUP  PEER_PASSIVE   alive   BACKUP",
        "BACKUP  BACKUP  PEER_PASSIVE   expired BACKUP",
        "BACKUP  BACKUP  CLIENT_REQUEST alive   BACKUP rejected",
        "BACKUP  BACKUP  CLIENT_REQUEST expired BACKUP rejected",

        "PRIMARY ACTIVE  PEER_PRIMARY   alive   fatal BOTH_PRIMARY",
        "PRIMARY ACTIVE  PEER_PRIMARY   expired fatal BOTH_PRIMARY",
        "PRIMARY ACTIVE  PEER_BACKUP    alive   ACTIVE",
        "PRIMARY ACTIVE  PEER_BACKUP    expired ACTIVE",
        "PRIMARY ACTIVE  PEER_ACTIVE    alive   fatal DUAL_ACTIVE",
        "PRIMARY ACTIVE  PEER_ACTIVE    expired fatal DUAL_ACTIVE",
        "PRIMARY ACTIVE  PEER_PASSIVE   alive   ACTIVE",
        "PRIMARY ACTIVE  PEER_PASSIVE   expired ACTIVE",
        "PRIMARY ACTIVE  CLIENT_REQUEST alive   ACTIVE accepted",
        "PRIMARY ACTIVE  CLIENT_REQUEST expired ACTIVE accepted",

        "BACKUP  ACTIVE  PEER_PRIMARY   alive   ACTIVE",
        "BACKUP  ACTIVE  PEER_PRIMARY   expired ACTIVE",
        "BACKUP  ACTIVE  PEER_BACKUP    alive   fatal BOTH_BACKUP",
        "BACKUP  ACTIVE  PEER_BACKUP    expired fatal BOTH_BACKUP",
        "BACKUP  ACTIVE  PEER_ACTIVE    alive   fatal DUAL_ACTIVE",
        "BACKUP  ACTIVE  PEER_ACTIVE    expired fatal DUAL_ACTIVE",
        "BACKUP  ACTIVE  PEER_PASSIVE   alive   ACTIVE",
        "BACKUP  ACTIVE  PEER_PASSIVE   expired ACTIVE",
        "BACKUP  ACTIVE  CLIENT_REQUEST alive   ACTIVE accepted",
        "BACKUP  ACTIVE  CLIENT_REQUEST expired ACTIVE accepted",

        "PRIMARY PASSIVE PEER_PRIMARY   alive   fatal BOTH_PRIMARY",
        "PRIMARY PASSIVE PEER_PRIMARY   expired fatal BOTH_PRIMARY",
        "PRIMARY PASSIVE PEER_BACKUP    alive   ACTIVE",
        "PRIMARY PASSIVE PEER_BACKUP    expired ACTIVE",
        "PRIMARY PASSIVE PEER_ACTIVE    alive   PASSIVE",
        "PRIMARY PASSIVE PEER_ACTIVE    expired PASSIVE",
        "PRIMARY PASSIVE PEER_PASSIVE   alive   fatal DUAL_PASSIVE",
        "PRIMARY PASSIVE PEER_PASSIVE   expired fatal DUAL_PASSIVE",
        "PRIMARY PASSIVE CLIENT_REQUEST alive   PASSIVE rejected",
        "PRIMARY PASSIVE CLIENT_REQUEST expired ACTIVE accepted",

        "BACKUP  PASSIVE PEER_PRIMARY   alive   ACTIVE",
        "BACKUP  PASSIVE PEER_PRIMARY   expired ACTIVE",
        "BACKUP  PASSIVE PEER_BACKUP    alive   fatal BOTH_BACKUP",
        "BACKUP  PASSIVE PEER_BACKUP    expired fatal BOTH_BACKUP",
        "BACKUP  PASSIVE PEER_ACTIVE    alive   PASSIVE",
        "BACKUP  PASSIVE PEER_ACTIVE    expired PASSIVE",
        "BACKUP  PASSIVE PEER_PASSIVE   alive   fatal DUAL_PASSIVE",
        "BACKUP  PASSIVE PEER_PASSIVE   expired fatal DUAL_PASSIVE",
        "BACKUP  PASSIVE CLIENT_REQUEST alive   PASSIVE rejected",
        "BACKUP  PASSIVE CLIENT_REQUEST expired ACTIVE accepted",
    };

    static Stream<String> rows() {
        return Stream.of(TABLE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void transitionTable(String row) {
        String[] f = row.trim().split("\\s+");
        Role role = Role.valueOf(f[0]);
        BstarState state = BstarState.valueOf(f[1]);
        BstarEvent event = BstarEvent.valueOf(f[2]);
        boolean expired = f[3].equals("expired");

        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(role, state, HEARTBEAT, clock);
        if (expired) {
            clock.advance(HEARTBEAT.multipliedBy(BstarProtocol.PEER_EXPIRY_HEARTBEATS));
        }
        assertEquals(expired, fsm.isPeerExpired());

        if (f[4].equals("fatal")) {
            BinaryStarException e = assertThrows(BinaryStarException.class, () -> fsm.apply(event));
            assertEquals(Reason.valueOf(f[5]), e.reason());
            assertTrue(e.getMessage().startsWith("fatal"), e.getMessage());
            assertEquals(state, fsm.state(), "a fatal event leaves the state alone");
            return;
        }
        Transition t = fsm.apply(event);
        BstarState expected = BstarState.valueOf(f[4]);
        assertEquals(state, t.from());
        assertEquals(expected, t.to());
        assertEquals(expected, fsm.state());
        assertEquals(event, t.event());
        assertEquals(state != expected, t.changed());
        if (event == BstarEvent.CLIENT_REQUEST) {
            assertEquals(f[5].equals("accepted"), t.accepted());
        } else {
            assertTrue(t.accepted(), "peer events are always taken");
        }
    }

    @Test
    void tableIsExhaustive() {
        Set<String> covered = new HashSet<>();
        for (String row : TABLE) {
            String[] f = row.trim().split("\\s+");
            assertTrue(covered.add(f[0] + " " + f[1] + " " + f[2] + " " + f[3]), "duplicate row " + row);
        }
        List<String> missing = new ArrayList<>();
        for (Role role : Role.values()) {
            for (BstarState state : List.of(role.initialState(), BstarState.ACTIVE, BstarState.PASSIVE)) {
                for (BstarEvent event : BstarEvent.values()) {
                    for (String peer : List.of("alive", "expired")) {
                        String key = role + " " + state + " " + event + " " + peer;
                        if (!covered.contains(key)) {
                            missing.add(key);
                        }
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "rows missing from the table: " + missing);
        assertEquals(2 * 3 * BstarEvent.values().length * 2, TABLE.length);
    }

    @Test
    void peerExpiresAfterExactlyTwoHeartbeatsOfSilence() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(Role.BACKUP, HEARTBEAT, clock);
        fsm.onPeerState(BstarState.ACTIVE);
        assertEquals(BstarState.PASSIVE, fsm.state());

        clock.advanceMillis(199);
        assertFalse(fsm.isPeerExpired());
        assertFalse(fsm.onClientRequest().accepted(), "the primary may still be serving");
        clock.advanceMillis(1);
        assertTrue(fsm.isPeerExpired());
    }

    @Test
    void peerStateRefreshesExpiry() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(Role.BACKUP, HEARTBEAT, clock);
        fsm.onPeerState(BstarState.ACTIVE);
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(150);
            fsm.onPeerState(BstarState.ACTIVE);
            assertFalse(fsm.isPeerExpired());
            assertFalse(fsm.onClientRequest().accepted());
        }
        assertEquals(BstarState.PASSIVE, fsm.state());
    }

    @Test
    void passiveTakesOverOnlyWhenPeerExpiredAndAClientAsks() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(Role.BACKUP, HEARTBEAT, clock);
        fsm.onPeerState(BstarState.ACTIVE);

        clock.advanceMillis(10_000);
        assertTrue(fsm.isPeerExpired());
        assertEquals(BstarState.PASSIVE, fsm.state(), "expiry alone never makes a passive server active");

        Transition vote = fsm.onClientRequest();
        assertTrue(vote.accepted());
        assertTrue(vote.becameActive());
        assertEquals(BstarState.ACTIVE, fsm.state());
    }

    @Test
    void primaryAloneServesOnlyAfterTheStartupWindow() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        clock.advanceMillis(150);
        assertFalse(fsm.onClientRequest().accepted(), "the backup may be active after a failover");
        clock.advanceMillis(50);
        assertTrue(fsm.onClientRequest().becameActive());
    }

    @Test
    void restartPeerExpiryOpensAFreshWindow() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm fsm = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        clock.advanceMillis(5_000);
        fsm.restartPeerExpiry();
        assertFalse(fsm.isPeerExpired());
        assertFalse(fsm.onClientRequest().accepted());
    }

    @Test
    void startupHandshakeMakesPrimaryActiveAndBackupPassive() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm primary = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        BinaryStarFsm backup = new BinaryStarFsm(Role.BACKUP, HEARTBEAT, clock);

        assertFalse(backup.onPeerState(primary.state()).changed(), "backup waits for an active primary");
        assertTrue(primary.onPeerState(backup.state()).becameActive());
        assertTrue(backup.onPeerState(primary.state()).becamePassive());
        assertFalse(primary.onPeerState(backup.state()).changed());
    }

    @Test
    void restartedPrimaryComesBackPassiveAfterFailover() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm backup = new BinaryStarFsm(Role.BACKUP, BstarState.PASSIVE, HEARTBEAT, clock);
        clock.advanceMillis(200);
        assertTrue(backup.onClientRequest().becameActive());

        BinaryStarFsm primary = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        assertFalse(backup.onPeerState(primary.state()).changed(), "the active backup keeps serving");
        assertTrue(primary.onPeerState(backup.state()).becamePassive());
        assertEquals(BstarState.ACTIVE, backup.state());
    }

    @Test
    void peerRestartWhileWePassiveMakesUsActive() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm backup = new BinaryStarFsm(Role.BACKUP, BstarState.PASSIVE, HEARTBEAT, clock);
        assertTrue(backup.onPeerState(BstarState.PRIMARY).becameActive());
    }

    @Test
    void bothPrimaryFailsOnBothSides() {
        ManualClock clock = new ManualClock();
        BinaryStarFsm a = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        BinaryStarFsm b = new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, clock);
        BinaryStarException ea = assertThrows(BinaryStarException.class, () -> a.onPeerState(b.state()));
        BinaryStarException eb = assertThrows(BinaryStarException.class, () -> b.onPeerState(a.state()));
        assertEquals(Reason.BOTH_PRIMARY, ea.reason());
        assertEquals(Reason.BOTH_PRIMARY, eb.reason());
        assertTrue(ea.getMessage().contains("both servers of the pair are configured as primary"), ea.getMessage());
    }

    @Test
    void constructorRejectsBadSettings() {
        ManualClock clock = new ManualClock();
        assertThrows(IllegalArgumentException.class, () -> new BinaryStarFsm(null, HEARTBEAT, clock));
        assertThrows(IllegalArgumentException.class, () -> new BinaryStarFsm(Role.PRIMARY, Duration.ZERO, clock));
        assertThrows(IllegalArgumentException.class, () -> new BinaryStarFsm(Role.PRIMARY, HEARTBEAT, null));
    }
}
