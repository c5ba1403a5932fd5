package io.zreliable.broker;

import io.zreliable.common.CurveServerKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** CURVE flags of a command that binds (broker): both or neither. */
final class CurveServerOptions {
    @Option(names = "--curve-key-file", paramLabel = "SECRET-CERT",
            description = "Our own secret certificate (from 'zreliable keygen'), as for the clients: serve CURVE only "
                    + "(needs --curve-allow).")
    Path secretKeyFile;

    /** The name of --curve-key-file on the servers before it was the same as on the clients; not shown. */
    @Option(names = "--curve-secret-key-file", paramLabel = "SECRET-CERT", hidden = true)
    void legacySecretKeyFile(Path path) {
        this.secretKeyFile = path;
    }

    @Option(names = "--curve-allow", paramLabel = "DIR",
            description = "Directory of the public certificates of the clients and workers let in; others are "
                    + "refused and logged. Files may be added while running.")
    Path allowDirectory;

    /** The loaded keys, or {@code null} for plain text; a missing partner flag or a bad file is a usage error. */
    CurveServerKeys keys() {
        if (secretKeyFile == null && allowDirectory == null) {
            return null;
        }
        if (secretKeyFile == null || allowDirectory == null) {
            throw new IllegalArgumentException("--curve-key-file and --curve-allow go together");
        }
        return CurveServerKeys.load(secretKeyFile, allowDirectory);
    }
}
