package io.zreliable.broker;

import io.zreliable.common.CurveCertificate;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zreliable keygen PATH}: a new CURVE key pair as CZMQ zcert files, PATH (secret) and PATH.pub. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Write a new CURVE key pair in CZMQ's zcert format: the secret certificate to PATH (mode "
                + "0600) and the public one to PATH.pub. Prints the public key (Z85).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable keygen keys/broker",
            "  zreliable keygen --force keys/worker"
        })
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "Where to write the secret certificate.")
    Path path;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Override
    public Integer call() {
        CurveCertificate certificate = CurveCertificate.generate();
        try {
            certificate.write(path, force);
        } catch (UncheckedIOException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        spec.commandLine().getOut().println(certificate.publicKeyZ85());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
