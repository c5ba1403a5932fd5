package io.zreliable.it;

import com.github.dockerjava.api.exception.NotFoundException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Gate of the Docker-based drills ({@code @ExtendWith(DockerGate.class)}). Engine reachable and drill image present:
 * run. Otherwise the drills are SKIPPED with the reason (a developer without Docker still runs every other test),
 * unless {@code -Ddrills.requireDocker=true} (set by the {@code drills-required} Maven profile when CI=true): then
 * they FAIL with the reason. {@code @Testcontainers(disabledWithoutDocker = true)} could only skip, silently on CI too.
 */
public final class DockerGate implements ExecutionCondition {
    /** System property: true makes a missing engine or image a failure instead of a skip. */
    public static final String REQUIRE = "drills.requireDocker";

    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String problem = problem();
        if (problem == null) {
            return ConditionEvaluationResult.enabled("Docker engine reachable, image " + Drills.image() + " present");
        }
        if (Boolean.getBoolean(REQUIRE)) {
            throw new IllegalStateException(problem + "; -D" + REQUIRE + "=true (CI): failing instead of skipping");
        }
        String reason = problem + "; Docker drills skipped";
        announce(reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** Build logs do not show skip reasons: say it once per test JVM on the console. */
    private static void announce(String reason) {
        if (!ANNOUNCED.getAndSet(true)) {
            System.out.println("DockerGate: " + reason);
        }
    }

    /** Why the drills cannot run, or null when they can. Testcontainers caches the engine lookup. */
    private static String problem() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return "No Docker engine reachable (start one as root: scripts/docker-up.sh, or run scripts/test.sh)";
        }
        try {
            DockerClientFactory.instance().client().inspectImageCmd(Drills.image()).exec();
            return null;
        } catch (NotFoundException e) {
            return "Drill image " + Drills.image() + " not found (build it: scripts/build-drill-image.sh, "
                    + "or pass -Ddrills.image=<a JRE 17+ image>)";
        }
    }
}
