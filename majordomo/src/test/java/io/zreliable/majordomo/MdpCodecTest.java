package io.zreliable.majordomo;

import static io.zreliable.majordomo.MdpDialect.MDP_0_1;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2;
import static io.zreliable.majordomo.MdpDialect.MDP_0_2_MAJORTOMO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.MalformedMessageException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.ZMsg;

/** MdpCodec against the frames written by hand in {@link RawMdp}: every command, every dialect, both ways. */
class MdpCodecTest {
    private static ZMsg body(String... frames) {
        return ZMsg.newStringMsg(frames);
    }

    private static void assertEncodes(List<String> expected, MdpDialect dialect, MdpCommand command) {
        List<String> actual = RawMdp.strings(MdpCodec.encode(dialect, command));
        assertEquals(expected, actual, RawMdp.describe(actual));
    }

    private static MdpCodec.Decoded decode(List<String> frames, MdpCodec.Direction direction)
            throws MalformedMessageException {
        return MdpCodec.decode(RawMdp.message(frames), direction);
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void everyWorkerCommandIsWrittenAsTheSpecificationsSay(MdpDialect d) throws Exception {
        assertEncodes(RawMdp.ready(d, "echo"), d, new MdpCommand.Ready("echo"));
        assertEncodes(RawMdp.request(d, "C", "a", "b"), d, new MdpCommand.Request("C".getBytes(), body("a", "b")));
        assertEncodes(RawMdp.finalReply(d, "C", "r"), d, new MdpCommand.Final("C".getBytes(), body("r")));
        assertEncodes(RawMdp.heartbeat(d), d, new MdpCommand.Heartbeat());
        assertEncodes(RawMdp.disconnect(d), d, new MdpCommand.Disconnect());
        if (d == MDP_0_1) {
            assertThrows(IllegalArgumentException.class,
                    () -> MdpCodec.encode(d, new MdpCommand.Partial("C".getBytes(), body("p"))));
        } else {
            assertEncodes(RawMdp.partial(d, "C", "p"), d, new MdpCommand.Partial("C".getBytes(), body("p")));
        }

        MdpCodec.Decoded ready = decode(RawMdp.ready(d, "echo"), MdpCodec.Direction.TO_BROKER);
        assertEquals(d, ready.dialect());
        assertEquals(new MdpCommand.Ready("echo"), ready.command());
        MdpCommand reply = decode(RawMdp.finalReply(d, "C", "x", "y"), MdpCodec.Direction.TO_BROKER).command();
        assertEquals(List.of("x", "y"), RawMdp.strings(assertInstanceOf(MdpCommand.Final.class, reply).body()));
        assertInstanceOf(MdpCommand.Request.class,
                decode(RawMdp.request(d, "C", "x"), MdpCodec.Direction.FROM_BROKER).command());
        assertInstanceOf(MdpCommand.Heartbeat.class,
                decode(RawMdp.heartbeat(d), MdpCodec.Direction.FROM_BROKER).command());
    }

    @ParameterizedTest
    @EnumSource(MdpDialect.class)
    void everyClientCommandIsWrittenAsTheSpecificationsSay(MdpDialect d) throws Exception {
        assertEncodes(RawMdp.clientRequest(d, "echo", "hi"), d, new MdpCommand.ClientRequest("echo", body("hi")));
        assertEncodes(RawMdp.clientFinal(d, "echo", "r"), d, new MdpCommand.ClientFinal("echo", body("r")));
        MdpCommand request = decode(RawMdp.clientRequest(d, "echo", "hi"), MdpCodec.Direction.TO_BROKER).command();
        assertEquals("echo", assertInstanceOf(MdpCommand.ClientRequest.class, request).service());
        MdpCommand last = decode(RawMdp.clientFinal(d, "echo", "r"), MdpCodec.Direction.FROM_BROKER).command();
        MdpCommand.ClientFinal reply = assertInstanceOf(MdpCommand.ClientFinal.class, last);
        if (d == MDP_0_2_MAJORTOMO) {
            assertNull(reply.service(), "majortomo's replies name no service");
        } else {
            assertEquals("echo", reply.service());
        }
        if (d != MDP_0_1) {
            assertEncodes(RawMdp.clientPartial(d, "echo", "p"), d, new MdpCommand.ClientPartial("echo", body("p")));
            MalformedMessageException misplaced = assertThrows(MalformedMessageException.class,
                    () -> decode(RawMdp.clientPartial(d, "echo", "p"), MdpCodec.Direction.TO_BROKER));
            assertEquals("misplaced command", misplaced.reason());
        }
    }

    @Test
    void commandBytesMeanWhatTheirDialectSays() {
        assertEquals("REPLY", MDP_0_1.commandName((byte) 3));
        assertEquals("PARTIAL", MDP_0_2.commandName((byte) 3));
        assertEquals("DISCONNECT", MDP_0_1.commandName((byte) 5));
        assertEquals("HEARTBEAT", MDP_0_2_MAJORTOMO.commandName((byte) 5));
        assertEquals("0x06", MDP_0_1.commandName((byte) 6));
        assertEquals(3, MDP_0_1.workerCode("REPLY"));
        assertEquals(3, MDP_0_1.workerCode("FINAL"));
        assertEquals(4, MDP_0_2.workerCode("FINAL"));
        assertThrows(IllegalArgumentException.class, () -> MDP_0_1.workerCode("PARTIAL"));
        for (MdpDialect dialect : MdpDialect.values()) {
            assertEquals(dialect, MdpDialect.ofLabel(dialect.label()));
        }
        assertThrows(IllegalArgumentException.class, () -> MdpDialect.ofLabel("0.3"));
    }

    @Test
    void theOneServiceNameRule() {
        assertEquals("caf\u00e9", MdpCodec.checkServiceName("caf\u00e9"));
        assertThrows(IllegalArgumentException.class, () -> MdpCodec.checkServiceName(""));
        assertThrows(IllegalArgumentException.class, () -> MdpCodec.checkServiceName("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> MdpCodec.checkServiceName("x".repeat(256)));
        // 128 two-byte characters are 256 bytes: the bound is in bytes, as on the wire.
        assertThrows(IllegalArgumentException.class, () -> MdpCodec.checkServiceName("\u00e9".repeat(128)));
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.builder("\u00e9".repeat(128)).build());
    }
}
