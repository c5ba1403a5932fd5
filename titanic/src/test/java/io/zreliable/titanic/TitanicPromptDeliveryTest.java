package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zreliable.common.Eventually;
import io.zreliable.common.Frames;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMsg;

/**
 * A request that waited long for its service goes out soon after the service's first worker registers: the
 * dispatcher asks for a missing service every half second, not on the request retry back-off (1 s doubling to 32 s,
 * the default here), which after a minute of waiting would put the next look more than 30 s away.
 */
class TitanicPromptDeliveryTest {
    @TempDir
    Path dir;

    @Test
    void aRequestWaitingForItsServiceGoesOutSoonAfterTheFirstWorkerRegisters() throws Exception {
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start()) {
            String endpoint = broker.endpoints().get(0);
            TitanicConfig config = TitanicConfig.builder(TitanicStoreConfig.of(dir)).connect(endpoint)
                    .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build();
            try (Titanic titanic = Titanic.start(config);
                    TitanicClient client = new TitanicClient(List.of(endpoint),
                            RetryPolicy.builder().timeoutMillis(2_000).attempts(10).build())) {
                String uuid = client.submit("late", List.of(Frames.utf8("waited")));
                // Seven looks at the missing service: under the retry back-off the next would be 64 s away.
                Eventually.until("seven deferrals", Duration.ofSeconds(60), () -> titanic.deferrals() >= 7);
                WorkerConfig workerConfig = WorkerConfig.builder("late").connect(endpoint)
                        .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build();
                try (MajordomoWorker worker = new MajordomoWorker(workerConfig, request -> {
                    ZMsg reply = new ZMsg();
                    reply.add("served:" + request.popString());
                    return reply;
                }).start()) {
                    long registered = System.nanoTime();
                    Eventually.until("the reply, well before the retry back-off's next look", Duration.ofSeconds(15),
                            () -> client.poll(uuid).isPresent());
                    System.out.printf("prompt delivery: reply %d ms after the worker started%n",
                            (System.nanoTime() - registered) / 1_000_000);
                    assertEquals("served:waited", Frames.text(client.poll(uuid).orElseThrow().get(0)));
                }
            }
        }
    }
}
