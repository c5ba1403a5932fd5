package io.zreliable.majordomo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigTest {

    @Test
    void brokerDefaultsBindLoopback5555() {
        BrokerConfig config = BrokerConfig.builder().build();

        assertEquals(List.of("tcp://127.0.0.1:5555"), config.endpoints());
        assertEquals(200_000, config.maxQueuePerService());
        assertEquals(1_000_000, config.maxQueue());
        assertEquals(96L << 20, config.maxQueueBytesPerService());
        assertEquals(128L << 20, config.maxQueueBytes());
        assertEquals(Duration.ZERO, config.maxWait(), "off by default");
    }

    @Test
    void badBrokerValuesNameTheSetting() {
        IllegalArgumentException queue = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfig.builder().maxQueuePerService(0).build());
        assertTrue(queue.getMessage().startsWith("max queue per service must be > 0"), queue.getMessage());
        IllegalArgumentException endpoint = assertThrows(IllegalArgumentException.class,
                () -> BrokerConfig.builder().bind("localhost:5555").build());
        assertTrue(endpoint.getMessage().contains("localhost:5555"), endpoint.getMessage());
    }

    @Test
    void workersMayNotClaimTheMmiNamespaceOrGoWithoutAnEndpoint() {
        assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.builder("mmi.service").connect("tcp://127.0.0.1:5555").build());
        assertThrows(IllegalArgumentException.class, () -> WorkerConfig.builder("echo").build());
        assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.builder("").connect("tcp://127.0.0.1:5555").build());
    }

    @Test
    void serviceNamesArePrintableAndBounded() {
        assertTrue(MdpCodec.isServiceName("echo".getBytes()));
        assertTrue(MdpCodec.isServiceName("caf\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(false, MdpCodec.isServiceName(new byte[0]));
        assertEquals(false, MdpCodec.isServiceName(new byte[] {'a', 0x00}));
        assertEquals(false, MdpCodec.isServiceName(new byte[256]));
        assertEquals("DISCONNECT", MdpProtocol.commandName(MdpProtocol.DISCONNECT));
        assertEquals("0x2A", MdpProtocol.commandName((byte) 0x2A));
    }
}
