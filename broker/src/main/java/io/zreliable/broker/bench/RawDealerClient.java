package io.zreliable.broker.bench;

import io.zreliable.common.Sockets;
import java.nio.ByteBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The baseline's client: a bare JeroMQ DEALER sending [sequence][body] to an echo path, with nothing of ours in
 * between. Owned by the one thread that runs it.
 */
final class RawDealerClient implements AutoCloseable {
    private static final int RECEIVE_TIMEOUT_MILLIS = 10_000;

    private final ZMQ.Socket socket;
    private final ByteBuffer sequenceFrame = ByteBuffer.allocate(Long.BYTES);

    RawDealerClient(ZContext context, String endpoint) {
        socket = Sockets.create(context, SocketType.DEALER);
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MILLIS);
        socket.connect(endpoint);
    }

    /** One request, one reply. */
    void roundTrip(byte[] body) {
        send(0, body);
        receiveSequence();
    }

    /** Keeps {@code inFlight} requests outstanding until the window closes; latency by sequence number. */
    LatencySample pipelined(byte[] body, int inFlight, long durationMillis) {
        LatencyRecorder recorder = new LatencyRecorder();
        long[] sentAt = new long[inFlight];
        long start = System.nanoTime();
        long end = start + durationMillis * 1_000_000L;
        long sent = 0;
        for (; sent < inFlight; sent++) {
            sentAt[(int) (sent % inFlight)] = System.nanoTime();
            send(sent, body);
        }
        long received = 0;
        long now = start;
        while (received < sent) {
            long sequence = receiveSequence();
            now = System.nanoTime();
            recorder.record(now - sentAt[(int) (sequence % inFlight)]);
            received++;
            if (now < end) {
                sentAt[(int) (sent % inFlight)] = now;
                send(sent++, body);
            }
        }
        return recorder.sample(now - start);
    }

    private void send(long sequence, byte[] body) {
        sequenceFrame.putLong(0, sequence);
        socket.send(sequenceFrame.array(), ZMQ.SNDMORE);
        socket.send(body, 0);
    }

    private long receiveSequence() {
        byte[] sequence = socket.recv(0);
        if (sequence == null) {
            throw new IllegalStateException("no echo within " + RECEIVE_TIMEOUT_MILLIS + " ms");
        }
        while (socket.hasReceiveMore()) {
            socket.recv(0);
        }
        return ByteBuffer.wrap(sequence).getLong();
    }

    @Override
    public void close() {
        socket.close();
    }
}
