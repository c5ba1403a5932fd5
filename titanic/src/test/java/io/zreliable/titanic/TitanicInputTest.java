package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.Frames;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.BrokerConfig;
import io.zreliable.majordomo.MajordomoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Titanic refuses ids that are not uuids and unprintable service names, and writes only inside its store. */
class TitanicInputTest {
    @TempDir
    Path dir;

    @Test
    void pathLikeAndUnprintableInputsAreRefusedAndNothingLeavesTheStore() throws Exception {
        Path store = dir.resolve("a/store");
        try (MajordomoBroker broker = new MajordomoBroker(BrokerConfig.builder().bind("tcp://127.0.0.1:*")
                .heartbeat(TitanicTest.heartbeat(TitanicTest.HEARTBEAT_MS)).build()).start();
                Titanic titanic = Titanic.start(TitanicTest.config(broker.endpoints().get(0), store,
                        TitanicTest.HEARTBEAT_MS));
                TitanicClient client = new TitanicClient(List.of(broker.endpoints().get(0)),
                        RetryPolicy.builder().timeoutMillis(10_000).attempts(2).build())) {
            for (String uuid : List.of("../x", "../../a/store/titanic.marker", "/etc/passwd",
                    "0123456789ABCDEF0123456789ABCDE/", "0123456789ABCDEF0123456789ABCDEFG", "")) {
                TitanicException e = assertThrows(TitanicException.class, () -> client.poll(uuid), uuid);
                assertEquals(TspProtocol.UNKNOWN, e.status(), uuid);
            }
            for (String service : List.of("bad\u0000name", "tab\tname", "new\nline", "caf\u00e9", "")) {
                TitanicException e = assertThrows(TitanicException.class,
                        () -> client.submit(service, List.of(Frames.utf8("x"))), service);
                assertEquals(TspProtocol.UNKNOWN, e.status(), service);
            }
            // A printable path-like name is a legal service name: it is only ever a key in the store, never a path.
            String uuid = client.submit("../../escape", List.of(Frames.utf8("x")));
            client.close(uuid);
            assertEquals(11, titanic.malformed());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            Set<Path> outside = files.filter(p -> !store.startsWith(p) && !p.startsWith(store))
                    .collect(Collectors.toSet());
            assertEquals(Set.of(), outside, "written outside the store");
        }
    }
}
