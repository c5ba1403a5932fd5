package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zreliable.common.EndpointException;
import io.zreliable.common.RetryPolicy;
import org.junit.jupiter.api.Test;
import org.zeromq.ZContext;

/** A Lazy Pirate server whose host does not resolve is one clear error, and is skipped when another one works. */
class UnreachableServerTest {
    private static final String NOWHERE = "tcp://nope.invalid:5555";

    @Test
    void theClientSaysWhichHostDoesNotResolve() {
        try (LazyPirateClient client = LazyPirateClient.builder().endpoints(NOWHERE)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(300).attempts(3).build()).build()) {
            EndpointException e = assertThrows(EndpointException.class, () -> client.request("hi"));
            assertEquals("cannot connect to " + NOWHERE + ": host 'nope.invalid' does not resolve", e.getMessage());
        }
    }

    @Test
    void theClientSkipsAnUnresolvableServer() {
        String endpoint = Ports.endpoint(Ports.free());
        try (ZContext ctx = new ZContext();
                EchoRepServer server = EchoRepServer.start(ctx, endpoint);
                LazyPirateClient client = LazyPirateClient.builder().endpoints(NOWHERE, endpoint)
                        .retryPolicy(RetryPolicy.builder().timeoutMillis(5_000).attempts(3).build()).build()) {
            assertEquals("echo:hello", client.request("hello"), "the echo server answered");
            assertEquals(endpoint, client.currentEndpoint());
        }
    }
}
