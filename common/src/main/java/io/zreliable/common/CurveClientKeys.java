package io.zreliable.common;

import java.nio.file.Path;
import org.zeromq.ZMQ;

/**
 * CURVE settings of a client or worker (a socket that connects): the server's public certificate, to know it is
 * talking to the right server, and its own secret certificate, whose public key must be in the server's
 * allow-list. Load with {@link #load}; {@link #apply} to each socket before connecting. Immutable.
 */
public final class CurveClientKeys {
    private final CurveCertificate server;
    private final CurveCertificate own;

    private CurveClientKeys(CurveCertificate server, CurveCertificate own) {
        this.server = server;
        this.own = own;
    }

    /**
     * Reads the server's public certificate and our own secret certificate.
     *
     * @throws IllegalArgumentException naming the file that is missing or malformed
     */
    public static CurveClientKeys load(Path serverPublicFile, Path ownSecretFile) {
        Require.notNull(serverPublicFile, "CURVE server key file");
        Require.notNull(ownSecretFile, "CURVE key file");
        return new CurveClientKeys(CurveCertificate.readPublic(serverPublicFile),
                CurveCertificate.readSecret(ownSecretFile));
    }

    /** Keys already in memory (e.g. generated in a test). */
    public static CurveClientKeys of(CurveCertificate server, CurveCertificate own) {
        Require.notNull(server, "CURVE server certificate");
        Require.that(own != null && own.hasSecret(), "CURVE client certificate with a secret key must be set");
        return new CurveClientKeys(server, own);
    }

    /** Makes {@code socket} a CURVE client of the server; call before connect. */
    public void apply(ZMQ.Socket socket) {
        socket.setCurveServerKey(server.publicKey());
        socket.setCurvePublicKey(own.publicKey());
        socket.setCurveSecretKey(own.secretKey());
    }

    public CurveCertificate server() {
        return server;
    }

    public CurveCertificate own() {
        return own;
    }

    @Override
    public String toString() {
        return "CurveClientKeys[server=" + server.publicKeyZ85() + ", own=" + own.publicKeyZ85() + "]";
    }
}
