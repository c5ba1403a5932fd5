package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

class MessageReaderTest {

    @Test
    void readsAnEnvelopeAHeaderACommandAndTheBody() throws Exception {
        ZMsg msg = Frames.wrap(Frames.message(Frames.utf8("HDR"), new byte[] {0x02}, Frames.utf8("body")),
                new byte[] {0, 1, 2, 3, 4});
        MessageReader reader = MessageReader.of(msg);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, Frames.unwrap(reader));
        reader.expect(Frames.utf8("HDR"), "header");
        assertEquals(0x02, reader.nextByte("command"));
        assertEquals("body", reader.nextString("body", 100));
        reader.expectEnd("test message");
    }

    @Test
    void eachKindOfMalformedMessageIsATypedErrorWithAReason() {
        assertEquals("missing frame", reason(Frames.message(new byte[] {1}), r -> {
            Frames.unwrap(r);
        }));
        assertEquals("missing delimiter", reason(Frames.message("id", "not-empty"), Frames::unwrap));
        assertEquals("unexpected frame", reason(Frames.message("MDPX01"), r -> r.expect(Frames.utf8("MDPC01"), "h")));
        assertEquals("bad command frame", reason(Frames.message("ab"), r -> r.nextByte("command")));
        assertEquals("frame too long", reason(Frames.message("abcdef"), r -> r.nextBytes("service", 5)));
        assertEquals("extra frames", reason(Frames.message("a", "b"), r -> {
            r.next("a");
            r.expectEnd("test");
        }));
        assertEquals("missing frame", reason(new ZMsg(), r -> r.expectMore("body")));
    }

    @Test
    void errorMessagesSayWhatWasExpectedAndWhatCame() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageReader.of(Frames.message("MDPX01")).expect(Frames.utf8("MDPC01"), "protocol header"));
        assertEquals("unexpected frame: protocol header must be \"MDPC01\", was \"MDPX01\"", e.getMessage());
    }

    @Test
    void printableRendersTextBinaryAndCutsLongFrames() {
        assertEquals("\"echo\"", Frames.printable(Frames.utf8("echo")));
        assertEquals("0x00FF10", Frames.printable(new byte[] {0, (byte) 0xFF, 0x10}));
        String longText = Frames.printable(new byte[1000]);
        assertEquals("0x" + "00".repeat(32) + "...(1000 bytes)", longText);
    }

    private interface Step {
        void apply(MessageReader reader) throws MalformedMessageException;
    }

    private static String reason(ZMsg msg, Step step) {
        return assertThrows(MalformedMessageException.class, () -> step.apply(MessageReader.of(msg))).reason();
    }
}
