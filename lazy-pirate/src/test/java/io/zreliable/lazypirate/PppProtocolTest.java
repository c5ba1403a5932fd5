package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

class PppProtocolTest {

    private static ZMsg frames(String... frames) {
        ZMsg msg = new ZMsg();
        for (String frame : frames) {
            msg.add(frame);
        }
        return msg;
    }

    @Test
    void commandsAreOneByteOnePartMessagesAsIn6Ppp() {
        assertArrayEquals(new byte[] {0x01}, PppProtocol.command(PppProtocol.READY).getFirst().getData());
        assertArrayEquals(new byte[] {0x02}, PppProtocol.command(PppProtocol.HEARTBEAT).getFirst().getData());
        assertEquals(1, PppProtocol.command(PppProtocol.READY).size());
        assertEquals("READY", PppProtocol.commandName(PppProtocol.READY));
        assertEquals("unknown command 7", PppProtocol.commandName(7));
    }

    @Test
    void anAddressedMessageHasAnAddressStackADelimiterAndContent() {
        assertTrue(PppProtocol.isAddressed(frames("client", "", "body")));
        assertTrue(PppProtocol.isAddressed(frames("client", "request-id", "", "body", "more")));
        assertFalse(PppProtocol.isAddressed(frames("client", "body")), "no delimiter");
        assertFalse(PppProtocol.isAddressed(frames("", "body")), "no address");
        assertFalse(PppProtocol.isAddressed(frames("client", "")), "no content");

        String[] deep = new String[PppProtocol.MAX_ADDRESS_FRAMES + 2];
        java.util.Arrays.fill(deep, "hop");
        deep[deep.length - 2] = "";
        assertTrue(PppProtocol.isAddressed(frames(deep)), "the deepest stack accepted");
        String[] tooDeep = new String[deep.length + 1];
        java.util.Arrays.fill(tooDeep, "hop");
        tooDeep[tooDeep.length - 2] = "";
        assertFalse(PppProtocol.isAddressed(frames(tooDeep)), "one hop too many");
    }
}
