package io.zreliable.titanic;

import io.zreliable.common.Backoff;
import io.zreliable.common.BackoffConfig;
import io.zreliable.common.CurveClientKeys;
import io.zreliable.common.Frames;
import io.zreliable.common.Require;
import io.zreliable.common.RetryPolicy;
import io.zreliable.majordomo.MajordomoClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.zeromq.ZFrame;
import org.zeromq.ZMsg;

/**
 * A 9/TSP client: hands requests to Titanic through a Majordomo broker and collects their replies later, possibly
 * from another process (the uuid is all it needs). Works with any TSP server, ours or the Guide's.
 *
 * <pre>{@code
 * try (TitanicClient client = new TitanicClient("tcp://127.0.0.1:5555")) {
 *     List<byte[]> reply = client.call("echo", List.of("hello".getBytes()), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Each call to Titanic is an MDP request retried per the {@link RetryPolicy}; if Titanic or the broker does not
 * answer, it throws the Majordomo client's {@code RequestTimeoutException}. Not thread-safe: one client per thread.
 */
public final class TitanicClient implements AutoCloseable {
    /** Polling for a reply in {@link #call}: 100 ms, doubling to 2 s. */
    private static final BackoffConfig POLL = BackoffConfig.builder().initialMillis(100).maxMillis(2_000).build();

    private final MajordomoClient client;

    public TitanicClient(List<String> endpoints, RetryPolicy policy) {
        this(endpoints, policy, null);
    }

    /** A client that talks CURVE to the broker when {@code curve} is set, plain text when it is {@code null}. */
    public TitanicClient(List<String> endpoints, RetryPolicy policy, CurveClientKeys curve) {
        this.client = new MajordomoClient(endpoints, policy, curve);
    }

    public TitanicClient(String endpoint) {
        this(List.of(endpoint), RetryPolicy.DEFAULT);
    }

    /**
     * Stores a request for {@code service}; returns its uuid once Titanic has it on disk.
     *
     * @throws TitanicException on 400 (malformed) or 500 (server error or full; retry later)
     */
    public String submit(String service, List<byte[]> body) {
        Require.notNull(service, "service");
        Require.that(body != null && !body.isEmpty(), "a request needs at least one body frame");
        ZMsg request = new ZMsg();
        request.add(Frames.utf8(service));
        body.forEach(request::add);
        List<byte[]> reply = expect(TspProtocol.REQUEST, request, TspProtocol.OK);
        if (reply.size() != 1 || !TitanicStore.isValidUuid(Frames.text(reply.get(0)))) {
            throw new TitanicException(TspProtocol.OK, "titanic.request answered 200 without a valid uuid");
        }
        return Frames.text(reply.get(0));
    }

    /**
     * The reply to {@code uuid} if the service has answered; empty while it is pending (or Titanic answered 500,
     * which also means: ask again later).
     *
     * @throws TitanicException with status 400 if Titanic does not know the uuid (never stored, or closed)
     */
    public Optional<List<byte[]>> poll(String uuid) {
        ZMsg reply = client.send(TspProtocol.REPLY, Frames.message(uuid));
        String status = status(TspProtocol.REPLY, reply);
        switch (status) {
            case TspProtocol.OK:
                return Optional.of(frames(reply));
            case TspProtocol.PENDING:
            case TspProtocol.ERROR:
                return Optional.empty();
            default:
                throw new TitanicException(status, "titanic.reply answered " + status + " for " + uuid);
        }
    }

    /** Tells Titanic the reply was received: it deletes the request and its reply. Idempotent. */
    public void close(String uuid) {
        expect(TspProtocol.CLOSE, Frames.message(uuid), TspProtocol.OK);
    }

    /**
     * Submits, polls with back-off (100 ms doubling to 2 s) until the reply arrives, closes the request and
     * returns the reply.
     *
     * @throws TitanicException if no reply came within {@code deadline} (the request is then closed: Titanic stops
     *     delivering it, though the service may already have it) or Titanic refused the request
     */
    public List<byte[]> call(String service, List<byte[]> body, Duration deadline) {
        Require.positive(deadline, "titanic call deadline");
        long end = System.nanoTime() + deadline.toNanos();
        String uuid = submit(service, body);
        Backoff wait = new Backoff(POLL);
        while (true) {
            Optional<List<byte[]>> reply = poll(uuid);
            if (reply.isPresent()) {
                close(uuid);
                return reply.get();
            }
            long leftMillis = (end - System.nanoTime()) / 1_000_000L;
            if (leftMillis <= 0) {
                close(uuid);
                throw new TitanicException(TspProtocol.PENDING, "no reply from " + service + " within "
                        + deadline.toMillis() + " ms (request " + uuid + " closed)");
            }
            try {
                Thread.sleep(Math.min(leftMillis, wait.nextDelayMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TitanicException(null, "interrupted while waiting for " + uuid);
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private List<byte[]> expect(String service, ZMsg request, String expected) {
        ZMsg reply = client.send(service, request);
        String status = status(service, reply);
        if (!status.equals(expected)) {
            throw new TitanicException(status, service + " answered " + status
                    + (TspProtocol.ERROR.equals(status) ? " (server error, retry later)" : ""));
        }
        return frames(reply);
    }

    /** Pops the status frame; fails on a reply that has none. */
    private static String status(String service, ZMsg reply) {
        ZFrame first = reply.pop();
        String status = first == null ? null : TspProtocol.statusCode(first.getData());
        if (status == null) {
            throw new TitanicException(null, service + " answered without a TSP status frame");
        }
        return status;
    }

    private static List<byte[]> frames(ZMsg reply) {
        List<byte[]> frames = new ArrayList<>(reply.size());
        for (ZFrame frame : reply) {
            frames.add(frame.getData());
        }
        return frames;
    }
}
