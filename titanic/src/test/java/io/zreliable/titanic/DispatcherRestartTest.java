package io.zreliable.titanic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.BackoffConfig;
import io.zreliable.common.Clock;
import io.zreliable.common.EndpointException;
import io.zreliable.common.Eventually;
import io.zreliable.common.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery thread whose broker cannot be reached (its caller cannot even be made) starts again after a back-off
 * instead of dying, and delivers once the broker is there; the client side says which host does not resolve.
 */
class DispatcherRestartTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final BackoffConfig QUICK = BackoffConfig.builder().initialMillis(10).maxMillis(50).build();

    @TempDir
    Path dir;

    @Test
    void aDeliveryThreadThatCannotMakeItsCallerStartsAgainAndDelivers() throws Exception {
        try (TitanicStore store = TitanicStore.open(TitanicStoreConfig.of(dir))) {
            String uuid = store.submit("echo", List.of(bytes("hello"))).get(30, TimeUnit.SECONDS);
            AtomicInteger made = new AtomicInteger();
            Dispatcher dispatcher = new Dispatcher(store, () -> {
                if (made.incrementAndGet() <= 3) {
                    throw new IllegalStateException("cannot connect to tcp://broker:5555: host 'broker' does not "
                            + "resolve");
                }
                return new EchoCaller();
            }, QUICK, 1, Duration.ofSeconds(10), Clock.system(), false);
            try {
                dispatcher.start();
                Eventually.until("the request was delivered", DEADLINE, () -> dispatcher.delivered() == 1,
                        made::get);
                assertEquals(4, made.get(), "three failed starts, then one caller");
                ReplyLookup reply = store.lookup(uuid).get(30, TimeUnit.SECONDS);
                assertEquals(ReplyLookup.Status.DONE, reply.status());
                assertArrayEquals(bytes("hello"), reply.reply().get(0));
            } finally {
                dispatcher.close();
            }
        }
    }

    @Test
    void theClientSaysWhichHostDoesNotResolve() {
        EndpointException e = assertThrows(EndpointException.class,
                () -> new TitanicClient(List.of("tcp://nope.invalid:5555"), RetryPolicy.DEFAULT));
        assertEquals("cannot connect to tcp://nope.invalid:5555: host 'nope.invalid' does not resolve",
                e.getMessage());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Answers every request with its own body. */
    private static final class EchoCaller implements ServiceCaller {
        @Override
        public Availability availability(String service) {
            return Availability.AVAILABLE;
        }

        @Override
        public List<byte[]> call(String service, List<byte[]> body) {
            return body;
        }

        @Override
        public void close() {
        }
    }
}
