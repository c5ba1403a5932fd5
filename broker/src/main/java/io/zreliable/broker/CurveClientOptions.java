package io.zreliable.broker;

import io.zreliable.common.CurveClientKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** CURVE flags of a command that connects (client, worker, mmi, ticlient, titanic): both or neither. */
final class CurveClientOptions {
    @Option(names = "--curve-server-key", paramLabel = "PUBLIC-CERT",
            description = "The broker's public certificate: talk CURVE to it (needs --curve-key-file).")
    Path serverKey;

    @Option(names = "--curve-key-file", paramLabel = "SECRET-CERT",
            description = "Our own secret certificate (from 'zreliable keygen'); its public key must be in the "
                    + "broker's --curve-allow directory.")
    Path keyFile;

    /** The loaded keys, or {@code null} for plain text; a missing partner flag or a bad file is a usage error. */
    CurveClientKeys keys() {
        if (serverKey == null && keyFile == null) {
            return null;
        }
        if (serverKey == null || keyFile == null) {
            throw new IllegalArgumentException("--curve-server-key and --curve-key-file go together");
        }
        return CurveClientKeys.load(serverKey, keyFile);
    }
}
