package dev.flotilla.systemd;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a test class that runs against a real systemd: tagged "systemd", which a module's surefire
 * execution "real-systemd" runs inside a throwaway nspawn machine booted by that module's
 * src/test/nspawn/bin/java (flt-sdtest here, flt-agent for the agent; shared through this
 * module's test-jar). The script names the machine with -Dflotilla.realsystemd.machine, or gives
 * the reason it could not boot one with -Dflotilla.realsystemd.skip. Anywhere else the tests are
 * skipped with the reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("systemd")
@ExtendWith(RealSystemd.InsideMachine.class)
public @interface RealSystemd {

    /**
     * Client options for these tests: connect bounds for a test JVM starved by a loaded host (flotd's
     * defaults, 0.5 s + 2 s, are for a machine doing its normal work).
     */
    SystemdOptions OPTIONS = SystemdOptions.defaults().withConnectTimeout(Duration.ofSeconds(10))
            .withHandshakeTimeout(Duration.ofSeconds(20));

    /** Enables the tests only inside the machine booted by src/test/nspawn/bin/java. */
    final class InsideMachine implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String skip = System.getProperty("flotilla.realsystemd.skip");
            if (skip != null) {
                return ConditionEvaluationResult.disabled("real-systemd tests skipped: " + skip);
            }
            String machine = System.getProperty("flotilla.realsystemd.machine");
            if (machine == null || !Files.isDirectory(Path.of("/run/systemd/system"))
                    || !Files.exists(Path.of("/run/systemd/private"))) {
                return ConditionEvaluationResult.disabled("not inside an nspawn machine: these run via "
                        + "`mvn -pl <module> -am verify` as root, which boots one (src/test/nspawn/bin/java)");
            }
            return ConditionEvaluationResult.enabled("inside " + machine);
        }
    }
}
