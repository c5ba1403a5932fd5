package io.zreliable.common;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Raw ZMTP byte streams a hostile peer or a security scanner sends, written to a server over a plain TCP socket (no
 * ZeroMQ on the attacker's side), for tests of how servers survive them.
 */
public final class ZmtpAttack {
    /** The declared size of CVE-2019-6250's frame: -1 as a signed long. */
    public static final long SIZE_MINUS_ONE = 0xFFFFFFFFFFFFFFFFL;
    /** Negative as a long, 256 MiB once cast to an int: JeroMQ 0.6.0 allocates it. */
    public static final long SIZE_256_MIB_AS_INT = 0x8000000010000000L;
    /** ZMTP frame flags: the 8-byte size flag and the command flag. */
    public static final int FLAG_LONG = 0x02;
    public static final int FLAG_COMMAND = 0x04;
    /** How long {@link #sendAfterPlainHandshake} waits for the server's greeting and READY. */
    private static final int HANDSHAKE_MILLIS = 3_000;

    private ZmtpAttack() {
    }

    /** A ZMTP 3.0 greeting (64 bytes) as a client: signature, version 3.0, {@code mechanism}, as-server 0, filler. */
    public static byte[] greeting(String mechanism) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.writeBytes(new byte[8]);
        out.write(0x7F);
        out.write(3);
        out.write(0);
        byte[] name = new byte[20];
        byte[] ascii = mechanism.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, name, 0, ascii.length);
        out.writeBytes(name);
        out.write(0);
        out.writeBytes(new byte[31]);
        return out.toByteArray();
    }

    /** A frame header with the 8-byte size {@code size} (taken as unsigned on the wire), and no body. */
    public static byte[] longFrameHeader(int flags, long size) {
        byte[] header = new byte[9];
        header[0] = (byte) (flags | FLAG_LONG);
        for (int i = 0; i < 8; i++) {
            header[1 + i] = (byte) (size >>> (8 * (7 - i)));
        }
        return header;
    }

    /**
     * The 89-byte packet of JeroMQ issue 1005: greeting with {@code mechanism}, then a command frame declaring
     * {@code size} bytes, padded with zeros.
     */
    public static byte[] handshakePacket(String mechanism, long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(greeting(mechanism));
        out.writeBytes(longFrameHeader(FLAG_COMMAND, size));
        out.writeBytes(new byte[89 - out.size()]);
        return out.toByteArray();
    }

    /** A NULL-mechanism READY command announcing {@code socketType}: what completes a plain handshake. */
    public static byte[] readyCommand(String socketType) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(5);
        body.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
        body.write(11);
        body.writeBytes("Socket-Type".getBytes(StandardCharsets.US_ASCII));
        byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
        body.writeBytes(new byte[] {0, 0, 0, (byte) value.length});
        body.writeBytes(value);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FLAG_COMMAND);
        out.write(body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /**
     * A subscription to a topic of {@code topicLength} zero bytes, as a SUB peer sends it after the handshake (one
     * message frame: 0x01 then the topic). Written raw: a JeroMQ SUB of our own would overflow its own trie first.
     */
    public static byte[] subscription(int topicLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(longFrameHeader(0, topicLength + 1L));
        out.write(1);
        out.writeBytes(new byte[topicLength]);
        return out.toByteArray();
    }

    /** A random greeting: signature kept or broken, any version, mechanism, role and filler. */
    public static byte[] randomGreeting(Random random) {
        byte[] greeting = greeting(new String[] {"NULL", "CURVE", "PLAIN", "GSSAPI", "XXXX"}[random.nextInt(5)]);
        int mutations = 1 + random.nextInt(6);
        for (int i = 0; i < mutations; i++) {
            greeting[random.nextInt(greeting.length)] = (byte) random.nextInt(256);
        }
        return greeting;
    }

    /**
     * Connects to 127.0.0.1:{@code port}, writes {@code bytes}, then reads until the server closes the connection or
     * {@code lingerMillis} pass, and closes.
     *
     * @return true when the server closed the connection
     */
    public static boolean send(int port, byte[] bytes, int lingerMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(lingerMillis);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[4096];
            try {
                while (in.read(sink) >= 0) {
                    // the server's greeting and handshake: read and ignored
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
    }

    /**
     * Completes a plain (NULL) handshake with 127.0.0.1:{@code port} as a peer of {@code socketType}, waits for the
     * server's greeting and READY as a real peer does, then writes {@code data} and reads until the server closes the
     * connection or {@code lingerMillis} pass.
     *
     * @return true when the server closed the connection
     */
    public static boolean sendAfterPlainHandshake(int port, String socketType, byte[] data, int lingerMillis)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(HANDSHAKE_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(greeting("NULL"));
            out.write(readyCommand(socketType));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            in.readFully(new byte[64]);
            int flags = in.readUnsignedByte();
            long size = (flags & FLAG_LONG) != 0 ? in.readLong() : in.readUnsignedByte();
            in.readFully(new byte[(int) size]);
            try {
                out.write(data);
                out.flush();
            } catch (IOException e) {
                return true; // the server dropped us before taking it all (a frame over its limit, say)
            }
            socket.setSoTimeout(lingerMillis);
            try {
                while (in.read(new byte[4096]) >= 0) {
                    // whatever the server sends: ignored
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }
    }

    /** The port of a {@code tcp://host:port} endpoint. */
    public static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
