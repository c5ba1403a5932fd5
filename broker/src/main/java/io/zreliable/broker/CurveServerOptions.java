package io.zreliable.broker;

import io.zreliable.common.CurveServerKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** CURVE flags of a command that binds (broker): both or neither. */
final class CurveServerOptions {
    @Option(names = "--curve-secret-key-file", paramLabel = "PATH",
            description = "Our secret certificate (from 'zreliable keygen'): serve CURVE only (needs --curve-allow).")
    Path secretKeyFile;

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
            throw new IllegalArgumentException("--curve-secret-key-file and --curve-allow go together");
        }
        return CurveServerKeys.load(secretKeyFile, allowDirectory);
    }
}
