package io.zreliable.broker.bench;

import java.util.ArrayList;
import java.util.List;

/** Runs one variant as the report needs it: a warm-up run that is thrown away, then repeated runs, median kept. */
final class Repeated {
    /** One run of a variant for the given length of time. */
    @FunctionalInterface
    interface Run {
        LatencySample run(long durationMillis) throws Exception;
    }

    private Repeated() {
    }

    static LatencySample median(BenchOptions options, Run run) throws Exception {
        run.run(options.warmupMillis);
        List<LatencySample> samples = new ArrayList<>(options.repeats);
        for (int i = 0; i < options.repeats; i++) {
            samples.add(run.run(options.measureMillis));
        }
        return LatencySample.median(samples);
    }
}
