package io.zreliable.broker;

import io.zreliable.majordomo.MdpDialect;
import picocli.CommandLine.Option;

/** {@code --mdp}: the Majordomo dialect a worker or client speaks ({@code worker}, {@code client}, {@code mmi}). */
final class MdpVersionOption {
    @Option(names = "--mdp", paramLabel = "VERSION", defaultValue = "0.1",
            description = "MDP dialect to speak: 0.1 (7/MDP), 0.2 (18/MDP, replies may stream) or 0.2-majortomo "
                    + "(MDP/0.2 as the majortomo broker frames it) (default: ${DEFAULT-VALUE}).")
    String mdp;

    MdpDialect dialect() {
        return MdpDialect.ofLabel(mdp);
    }
}
