package io.zreliable.common;

import java.nio.file.Files;
import java.nio.file.Path;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * CURVE settings of a server (a socket that binds): its own secret certificate, and a directory of the public
 * certificates of the clients and workers it lets in (the allow-list; files may be added or removed while it runs;
 * the server's own public key is always let in).
 * Load with {@link #load}; call {@link #startAuthenticator} on the server's context before binding, then
 * {@link #apply} on each socket. Immutable.
 */
public final class CurveServerKeys {
    private final Path secretFile;
    private final CurveCertificate certificate;
    private final Path allowDirectory;

    private CurveServerKeys(Path secretFile, CurveCertificate certificate, Path allowDirectory) {
        this.secretFile = secretFile;
        this.certificate = certificate;
        this.allowDirectory = allowDirectory;
    }

    /**
     * Reads the server's secret certificate and checks the allow-list directory.
     *
     * @throws IllegalArgumentException naming the file or directory that is missing or malformed
     */
    public static CurveServerKeys load(Path secretCertificateFile, Path allowDirectory) {
        Require.notNull(secretCertificateFile, "CURVE secret key file");
        Require.notNull(allowDirectory, "CURVE allow directory");
        CurveCertificate certificate = CurveCertificate.readSecret(secretCertificateFile);
        Require.that(Files.isDirectory(allowDirectory) && Files.isReadable(allowDirectory),
                "CURVE allow directory " + allowDirectory + " is not a readable directory");
        return new CurveServerKeys(secretCertificateFile, certificate, allowDirectory);
    }

    /**
     * Starts the ZAP handler of {@code context}: every CURVE connection to a socket of this context is then checked
     * against the allow-list. Without it JeroMQ would accept any client key, so keep it open as long as the sockets.
     */
    public ZapAuthenticator startAuthenticator(ZContext context, String name) {
        return ZapAuthenticator.start(context, allowDirectory, certificate.publicKeyZ85(), name);
    }

    /**
     * Client keys made of the server's own key pair, for a component in the server's process (e.g. Titanic beside
     * the broker): the server's own public key is always let in, without being in the allow-list.
     */
    public CurveClientKeys selfClient() {
        return CurveClientKeys.of(certificate, certificate);
    }

    /** Makes {@code socket} a CURVE server with our secret key; call before bind. */
    public void apply(ZMQ.Socket socket) {
        socket.setCurveServer(true);
        socket.setCurveSecretKey(certificate.secretKey());
    }

    public CurveCertificate certificate() {
        return certificate;
    }

    public Path allowDirectory() {
        return allowDirectory;
    }

    @Override
    public String toString() {
        return "CurveServerKeys[secret=" + secretFile + ", allow=" + allowDirectory + ", public-key="
                + certificate.publicKeyZ85() + "]";
    }
}
