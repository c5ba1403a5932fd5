package io.zreliable.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.zeromq.ZCert;
import org.zeromq.ZConfig;
import org.zeromq.ZMQ;

/**
 * A CURVE key pair (or a public key alone) read from or written to a certificate file in CZMQ's {@code zcert} text
 * format (ZPL: a {@code metadata} section and a {@code curve} section with {@code public-key = "Z85"} and, in a
 * secret certificate, {@code secret-key = "Z85"}), so keys interoperate with other ZeroMQ tools. Immutable.
 */
public final class CurveCertificate {
    /** Suffix of the public certificate written next to a secret one, as {@code zreliable keygen} does. */
    public static final String PUBLIC_SUFFIX = ".pub";

    private final byte[] publicKey;
    private final byte[] secretKey;

    private CurveCertificate(byte[] publicKey, byte[] secretKey) {
        this.publicKey = publicKey;
        this.secretKey = secretKey;
    }

    /** A fresh random key pair. */
    public static CurveCertificate generate() {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        return new CurveCertificate(ZMQ.Curve.z85Decode(pair.publicKey), ZMQ.Curve.z85Decode(pair.secretKey));
    }

    /** Reads a public (or secret) certificate file; only its public key is kept. */
    public static CurveCertificate readPublic(Path file) {
        return new CurveCertificate(key(load(file), file, "public-key"), null);
    }

    /** Reads a secret certificate file: both keys must be there. */
    public static CurveCertificate readSecret(Path file) {
        ZConfig config = load(file);
        return new CurveCertificate(key(config, file, "public-key"), key(config, file, "secret-key"));
    }

    /**
     * Writes the secret certificate to {@code secretFile} (owner read/write only where the file system has POSIX
     * permissions) and the public one to {@code secretFile + ".pub"}.
     *
     * @throws IllegalArgumentException when a file exists and {@code overwrite} is false
     * @throws java.io.UncheckedIOException when a file cannot be written (the message says which and why)
     */
    public void write(Path secretFile, boolean overwrite) {
        Require.that(secretKey != null, "a public-only certificate cannot be saved as a secret one");
        Path publicFile = publicFileOf(secretFile);
        if (!overwrite) {
            for (Path file : new Path[] {secretFile, publicFile}) {
                Require.that(!Files.exists(file), file + " exists; refusing to overwrite it (use --force)");
            }
        }
        ZCert cert = new ZCert(publicKey, secretKey);
        cert.setMeta("created-by", "zreliable keygen");
        try {
            Files.deleteIfExists(secretFile);
            try (Writer out = Files.newBufferedWriter(create(secretFile, true), StandardCharsets.UTF_8)) {
                cert.saveSecret(out);
            }
            Files.deleteIfExists(publicFile);
            try (Writer out = Files.newBufferedWriter(create(publicFile, false), StandardCharsets.UTF_8)) {
                cert.savePublic(out);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(e.getFile() + " exists; refusing to overwrite it (use --force)", e);
        } catch (IOException e) {
            // Not a usage error: the path is fine as a path, the file system refused it.
            throw new UncheckedIOException("cannot write CURVE certificate " + secretFile + ": " + reason(e), e);
        }
    }

    /** Why the file system refused, in words. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /** The public certificate written next to {@code secretFile}. */
    public static Path publicFileOf(Path secretFile) {
        return secretFile.resolveSibling(secretFile.getFileName() + PUBLIC_SUFFIX);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The secret key; {@code null} for a certificate read with {@link #readPublic}. */
    public byte[] secretKey() {
        return secretKey == null ? null : secretKey.clone();
    }

    public String publicKeyZ85() {
        return ZMQ.Curve.z85Encode(publicKey);
    }

    public boolean hasSecret() {
        return secretKey != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CurveCertificate that && Arrays.equals(publicKey, that.publicKey)
                && Arrays.equals(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    /** Shows the public key only: a secret must never reach a log. */
    @Override
    public String toString() {
        return "CurveCertificate[public-key=" + publicKeyZ85() + (secretKey == null ? "" : ", with secret") + "]";
    }

    private static Path create(Path file, boolean secret) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        boolean posix = Files.getFileStore(parent == null ? file.toAbsolutePath() : parent)
                .supportsFileAttributeView("posix");
        FileAttribute<?>[] attributes = secret && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Files.newByteChannel(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attributes).close();
        return file;
    }

    private static ZConfig load(Path file) {
        Require.notNull(file, "CURVE certificate file");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read CURVE certificate " + file + ": not a readable file");
        }
        try {
            return ZConfig.load(file.toString());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read CURVE certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] key(ZConfig config, Path file, String name) {
        String text = config.getValue("curve/" + name);
        if (text == null) {
            throw new IllegalArgumentException("CURVE certificate " + file + " has no curve/" + name);
        }
        if (text.length() != ZMQ.Curve.KEY_SIZE_Z85) {
            throw new IllegalArgumentException("CURVE certificate " + file + ": curve/" + name + " must be "
                    + ZMQ.Curve.KEY_SIZE_Z85 + " Z85 characters, was " + text.length());
        }
        byte[] key;
        try {
            key = ZMQ.Curve.z85Decode(text);
        } catch (RuntimeException e) {
            key = null;
        }
        if (key == null || key.length != ZMQ.Curve.KEY_SIZE || !ZMQ.Curve.z85Encode(key).equals(text)) {
            throw new IllegalArgumentException("CURVE certificate " + file + ": curve/" + name + " is not valid Z85");
        }
        return key;
    }
}
