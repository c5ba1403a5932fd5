package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Eventually;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.MdpDialect;
import io.zreliable.majordomo.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Titanic's TSP services used by MDP/0.2 clients (both dialects) through the broker, for a service whose worker
 * streams its reply: Titanic, an MDP/0.1 client of that service, stores the parts the broker joined for it.
 */
class TitanicMdp02ClientTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = MdpDialect.class, names = {"MDP_0_2", "MDP_0_2_MAJORTOMO"})
    void anMdp02ClientStoresARequestAndFetchesItsReply(MdpDialect dialect) throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            WorkerConfig streaming = WorkerConfig.builder("shout").connect(endpoint).protocol(MdpDialect.MDP_0_2)
                    .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build();
            try (Titanic titanic = Titanic.start(TitanicTest.config(endpoint, dir, TitanicTest.HEARTBEAT_MS));
                    MajordomoWorker worker = MajordomoWorker.streaming(streaming, (request, stream) -> {
                        String text = request.popString();
                        stream.partial(ZMsg.newStringMsg(text.toUpperCase()));
                        return ZMsg.newStringMsg("!");
                    }).start();
                    MajordomoClient client = new MajordomoClient(List.of(endpoint),
                            RetryPolicy.builder().timeoutMillis(3_000).attempts(5).build(), null, dialect)) {
                ZMsg accepted = client.send(TspProtocol.REQUEST, ZMsg.newStringMsg("shout", "hello"));
                assertEquals(TspProtocol.OK, accepted.popString());
                String uuid = accepted.popString();

                AtomicReference<ZMsg> reply = new AtomicReference<>();
                Eventually.until("Titanic has the reply", Duration.ofSeconds(30), () -> {
                    ZMsg answer = client.send(TspProtocol.REPLY, ZMsg.newStringMsg(uuid));
                    if (TspProtocol.OK.equals(answer.peekFirst().getString(ZMQ.CHARSET))) {
                        reply.set(answer);
                        return true;
                    }
                    return false;
                });
                ZMsg stored = reply.get();
                assertEquals(TspProtocol.OK, stored.popString());
                assertEquals("HELLO", stored.popString());
                assertEquals("!", stored.popString());
                assertTrue(stored.isEmpty(), stored.toString());
                assertEquals(TspProtocol.OK, client.send(TspProtocol.CLOSE, ZMsg.newStringMsg(uuid)).popString());
            }
        }
    }
}
