package io.zreliable.binarystar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.Frames;
import io.zreliable.common.MalformedMessageException;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

class BstarProtocolTest {

    @Test
    void encodesStatesAsTheGuideDoes() {
        assertEquals("1", BstarProtocol.encode(BstarState.PRIMARY).popString());
        assertEquals("2", BstarProtocol.encode(BstarState.BACKUP).popString());
        assertEquals("3", BstarProtocol.encode(BstarState.ACTIVE).popString());
        assertEquals("4", BstarProtocol.encode(BstarState.PASSIVE).popString());
    }

    @Test
    void decodesEveryState() throws Exception {
        for (BstarState state : BstarState.values()) {
            assertEquals(state, BstarProtocol.decode(BstarProtocol.encode(state)));
            assertEquals(state, BstarState.fromCode(state.code()));
        }
    }

    @Test
    void garbageIsMalformed() {
        assertMalformed("bad state", Frames.message("x"));
        assertMalformed("bad state", Frames.message("-1"));
        assertMalformed("bad state", Frames.message(new byte[0]));
        assertMalformed("frame too long", Frames.message("1234567890"));
        assertMalformed("extra frames", Frames.message("1", "2"));
        assertMalformed("missing frame", new ZMsg());
    }

    @Test
    void aNumberOutsideTheFourStatesIsFatal() {
        BinaryStarException e = assertThrows(BinaryStarException.class,
                () -> BstarProtocol.decode(Frames.message("7")));
        assertEquals(BinaryStarException.Reason.UNKNOWN_PEER_STATE, e.reason());
        assertEquals(BinaryStarException.Reason.UNKNOWN_PEER_STATE,
                assertThrows(BinaryStarException.class, () -> BstarProtocol.decode(Frames.message("0"))).reason());
        assertEquals(BinaryStarException.Reason.UNKNOWN_PEER_STATE,
                assertThrows(BinaryStarException.class, () -> BstarProtocol.decode(Frames.message("999999999")))
                        .reason());
    }

    @Test
    void rolesParse() {
        assertEquals(Role.PRIMARY, Role.parse("primary"));
        assertEquals(Role.BACKUP, Role.parse(" BACKUP "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Role.parse("leader"));
        assertEquals("binary star role must be primary or backup, was leader", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Role.parse(null));
    }

    private static void assertMalformed(String reason, ZMsg msg) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> BstarProtocol.decode(msg));
        assertEquals(reason, e.reason());
    }
}
