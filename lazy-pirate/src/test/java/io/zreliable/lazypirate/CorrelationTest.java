package io.zreliable.lazypirate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zreliable.common.Reactor;
import io.zreliable.common.RetryPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The wire format of the client's requests, and that JeroMQ 0.6.0's ZMQ_REQ_CORRELATE (which the client relies on)
 * really discards replies that carry another request's id.
 */
class CorrelationTest {
    private ZContext ctx;
    private Reactor reactor;
    private ZMQ.Socket router;
    private String endpoint;
    /** Every request as the ROUTER server saw it, envelope included. */
    private final List<ZMsg> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        ctx = new ZContext();
        reactor = new Reactor();
        router = ctx.createSocket(SocketType.ROUTER);
        endpoint = Ports.endpoint(router.bindToRandomPort("tcp://127.0.0.1"));
    }

    @AfterEach
    void tearDown() {
        reactor.close();
        ctx.close();
    }

    private LazyPirateClient client(Correlation correlation) {
        return LazyPirateClient.builder().endpoints(endpoint).correlation(correlation).context(ctx)
                .retryPolicy(RetryPolicy.builder().timeoutMillis(5000).attempts(1).build()).build();
    }

    @Test
    void staleAndMalformedRepliesAreDiscardedByRequestId() {
        // A misbehaving ROUTER server: before each reply it sends the previous request's reply again (a late
        // duplicate carrying the old request id) and a reply with no request id at all.
        ZMsg[] previous = new ZMsg[1];
        reactor.register(router, s -> {
            ZMsg request = ZMsg.recvMsg(s);
            seen.add(request.duplicate());
            if (previous[0] != null) {
                previous[0].duplicate().send(s);
                ZMsg noId = new ZMsg();
                noId.add(request.getFirst().duplicate());
                noId.add(new byte[0]);
                noId.add("no-id");
                noId.send(s);
            }
            ZMsg reply = request.duplicate();
            reply.removeLast();
            reply.add("echo:" + request.getLast().getString(ZMQ.CHARSET));
            previous[0] = reply.duplicate();
            reply.send(s);
        });
        reactor.start("duplicating-router");
        try (LazyPirateClient client = client(Correlation.REQUEST_ID)) {
            for (int i = 0; i < 20; i++) {
                assertEquals("echo:req-" + i, client.request("req-" + i));
            }
            assertEquals(0, client.timeouts());
        }
    }

    @Test
    void requestIdEnvelopeIsFourBytesThenTheDelimiter() {
        reactor.register(router, s -> {
            ZMsg request = ZMsg.recvMsg(s);
            seen.add(request.duplicate());
            request.removeLast();
            request.add("ok");
            request.send(s);
        });
        reactor.start("recording-router");
        try (LazyPirateClient client = client(Correlation.REQUEST_ID)) {
            assertEquals("ok", client.request("a"));
            assertEquals("ok", client.request("b"));
        }
        assertEquals(2, seen.size());
        byte[] firstId = null;
        for (ZMsg request : seen) {
            assertEquals(4, request.size(), "routing id, request id, delimiter, body: " + request);
            ZFrame[] frames = request.toArray(new ZFrame[0]);
            ZFrame id = frames[1];
            assertEquals(4, id.size());
            assertEquals(0, frames[2].size());
            if (firstId == null) {
                firstId = id.getData();
            } else {
                assertFalse(Arrays.equals(firstId, id.getData()), "each request has its own id");
            }
        }
    }

    @Test
    void plainEnvelopeIsJustTheDelimiter() {
        reactor.register(router, s -> {
            ZMsg request = ZMsg.recvMsg(s);
            seen.add(request.duplicate());
            request.removeLast();
            request.add("ok");
            request.send(s);
        });
        reactor.start("recording-router");
        try (LazyPirateClient client = client(Correlation.PLAIN)) {
            assertEquals("ok", client.request("a"));
        }
        ZMsg request = seen.get(0);
        assertEquals(3, request.size(), "routing id, delimiter, body: " + request);
        ZFrame[] frames = request.toArray(new ZFrame[0]);
        assertTrue(frames[0].size() > 0);
        assertEquals(0, frames[1].size());
        assertArrayEquals("a".getBytes(ZMQ.CHARSET), frames[2].getData());
    }
}
