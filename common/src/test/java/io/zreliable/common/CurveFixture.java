package io.zreliable.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CURVE key files for tests, written as {@code zreliable keygen} writes them: a server's pair and the named peers'
 * pairs in one directory, and an allow-list directory holding the public certificates of the peers let in.
 */
public final class CurveFixture {
    private static final String SERVER = "server";

    private final Path dir;
    private final Path allow;

    private CurveFixture(Path dir) {
        this.dir = dir;
        this.allow = dir.resolve("allow");
    }

    /** A server key pair and one key pair per peer in {@code dir}; the allow-list starts empty. */
    public static CurveFixture create(Path dir, String... peers) {
        CurveFixture fixture = new CurveFixture(dir);
        try {
            Files.createDirectories(fixture.allow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CurveCertificate.generate().write(fixture.secret(SERVER), false);
        for (String peer : peers) {
            CurveCertificate.generate().write(fixture.secret(peer), false);
        }
        return fixture;
    }

    /** Puts the peers' public certificates in the allow-list. */
    public CurveFixture allow(String... peers) {
        try {
            for (String peer : peers) {
                Files.copy(publicFile(peer), allow.resolve(peer + CurveCertificate.PUBLIC_SUFFIX));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CurveServerKeys server() {
        return CurveServerKeys.load(secret(SERVER), allow);
    }

    /** The keys of {@code peer} talking to the server. */
    public CurveClientKeys client(String peer) {
        return CurveClientKeys.load(publicFile(SERVER), secret(peer));
    }

    public Path secret(String name) {
        return dir.resolve(name);
    }

    public Path publicFile(String name) {
        return CurveCertificate.publicFileOf(secret(name));
    }

    public Path serverPublicFile() {
        return publicFile(SERVER);
    }

    public Path allowDirectory() {
        return allow;
    }
}
