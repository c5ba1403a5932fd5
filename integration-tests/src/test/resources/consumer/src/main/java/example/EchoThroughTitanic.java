package example;

import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MajordomoWorker;
import io.zreliable.majordomo.WorkerConfig;
import io.zreliable.titanic.Titanic;
import io.zreliable.titanic.TitanicClient;
import io.zreliable.titanic.TitanicConfig;
import io.zreliable.titanic.TitanicStoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A broker, an echo worker and Titanic in one program: one request straight, one through Titanic's store. */
public final class EchoThroughTitanic {
    public static void main(String[] args) {
        Path store = Path.of(args[0]);
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*").build())
                .start()) {
            String endpoint = broker.endpoints().get(0);
            WorkerConfig worker = WorkerConfig.builder("echo").connect(endpoint).build();
            try (MajordomoWorker echo = new MajordomoWorker(worker, request -> request).start();
                    Titanic titanic = Titanic.start(TitanicConfig.builder(TitanicStoreConfig.of(store))
                            .connect(endpoint).build());
                    MajordomoClient client = new MajordomoClient(endpoint);
                    TitanicClient titanicClient = new TitanicClient(endpoint)) {
                System.out.println("direct: " + client.send("echo", "hello"));
                List<byte[]> reply = titanicClient.call("echo", List.of("stored".getBytes(StandardCharsets.UTF_8)),
                        Duration.ofSeconds(60));
                System.out.println("titanic: " + new String(reply.get(0), StandardCharsets.UTF_8));
            }
        }
    }
}
