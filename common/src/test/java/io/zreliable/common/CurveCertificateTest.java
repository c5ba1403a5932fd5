package io.zreliable.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZConfig;
import org.zeromq.ZMQ;

class CurveCertificateTest {
    @TempDir
    Path dir;

    @Test
    void writtenFilesReadBackAndLookLikeCzmqCertificates() throws Exception {
        CurveCertificate cert = CurveCertificate.generate();
        Path secret = dir.resolve("keys/server");
        cert.write(secret, false);
        Path pub = dir.resolve("keys/server.pub");

        assertEquals(cert, CurveCertificate.readSecret(secret));
        CurveCertificate publicOnly = CurveCertificate.readPublic(pub);
        assertArrayEquals(cert.publicKey(), publicOnly.publicKey());
        assertFalse(publicOnly.hasSecret());

        String secretText = Files.readString(secret);
        String publicText = Files.readString(pub);
        for (String text : new String[] {secretText, publicText}) {
            assertTrue(text.contains("\nmetadata\n"), text);
            assertTrue(text.contains("\ncurve\n"), text);
            assertTrue(text.contains("    public-key = \"" + cert.publicKeyZ85() + "\""), text);
        }
        assertTrue(secretText.contains("    secret-key = \"" + ZMQ.Curve.z85Encode(cert.secretKey()) + "\""));
        assertFalse(publicText.contains("secret-key"), publicText);
        // JeroMQ's own reader (as ZCertStore uses it) sees the same keys.
        assertEquals(cert.publicKeyZ85(), ZConfig.load(pub.toString()).getValue("curve/public-key"));
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(secret));
        }
    }

    @Test
    void refusesToOverwriteUnlessAsked() throws Exception {
        Path secret = dir.resolve("client");
        CurveCertificate first = CurveCertificate.generate();
        first.write(secret, false);
        CurveCertificate second = CurveCertificate.generate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> second.write(secret, false));
        assertTrue(e.getMessage().contains("refusing to overwrite"), e.getMessage());
        assertEquals(first, CurveCertificate.readSecret(secret));

        second.write(secret, true);
        assertEquals(second, CurveCertificate.readSecret(secret));
        assertNotEquals(first.publicKeyZ85(), CurveCertificate.readPublic(CurveCertificate.publicFileOf(secret))
                .publicKeyZ85());
    }

    @Test
    void badFilesAreNamedInTheError() throws Exception {
        Path missing = dir.resolve("nope");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CurveCertificate.readPublic(missing))
                .getMessage().contains(missing.toString()));

        Path noKey = Files.writeString(dir.resolve("empty"), "metadata\ncurve\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CurveCertificate.readPublic(noKey))
                .getMessage().contains("has no curve/public-key"));

        Path shortKey = Files.writeString(dir.resolve("short"), "curve\n    public-key = \"abc\"\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CurveCertificate.readPublic(shortKey))
                .getMessage().contains("40 Z85 characters"));

        CurveCertificate cert = CurveCertificate.generate();
        cert.write(dir.resolve("pair"), false);
        Path publicOnly = dir.resolve("pair.pub");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CurveCertificate.readSecret(publicOnly))
                .getMessage().contains("has no curve/secret-key"));

        assertFalse(cert.toString().contains(ZMQ.Curve.z85Encode(cert.secretKey())), "secret must not be printed");
    }
}
