package io.zreliable.broker;

import io.zreliable.common.RequestTimeoutException;
import io.zreliable.majordomo.MajordomoClient;
import io.zreliable.majordomo.MmiProtocol;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zreliable mmi}: asks a Majordomo broker's management interface (8/MMI) about a service. */
@Command(name = "mmi", mixinStandardHelpOptions = true,
        description = "Ask the broker about SERVICE through 8/MMI and print the answer: for mmi.service 200 "
                + "(workers registered) or 404; for mmi.workers / mmi.queue a count; 501 for an unknown query. "
                + "Exits 1 when the broker does not answer.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  zreliable mmi echo",
            "  zreliable mmi --query mmi.workers echo"
        })
public final class MmiCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    MdpClientOptions options = new MdpClientOptions();

    @Option(names = "--query", paramLabel = "MMI-SERVICE", defaultValue = MmiProtocol.SERVICE,
            description = "MMI service to ask: mmi.service, mmi.workers or mmi.queue (default: ${DEFAULT-VALUE}).")
    String query;

    @Parameters(paramLabel = "SERVICE", description = "The service asked about.")
    String service;

    @Override
    public Integer call() {
        Flags.serviceName(service, "SERVICE");
        if (!MmiProtocol.isMmi(query)) {
            throw new IllegalArgumentException("--query must name an " + MmiProtocol.PREFIX + "* service, was "
                    + query);
        }
        try (MajordomoClient client = new MajordomoClient(options.endpoints, options.retryPolicy(),
                options.curve.keys(), options.dialect())) {
            spec.commandLine().getOut().println(client.send(query, service));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (RequestTimeoutException e) {
            spec.commandLine().getErr().println("error: broker not answering: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return ClientCommand.EXIT_NO_REPLY;
        }
    }
}
