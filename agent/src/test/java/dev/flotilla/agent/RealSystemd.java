package dev.flotilla.agent;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Marks a test class that runs the agent against a real systemd: tagged "systemd", which the surefire
 * execution "real-systemd" runs inside the flt-agent nspawn machine (src/test/nspawn/bin/java).
 * Anywhere else the tests are skipped with the reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("systemd")
@ExtendWith(RealSystemd.InsideMachine.class)
@interface RealSystemd {

    final class InsideMachine implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String skip = System.getProperty("flotilla.agent.skip");
            if (skip != null) {
                return ConditionEvaluationResult.disabled("real-systemd tests skipped: " + skip);
            }
            if (System.getProperty("flotilla.agent.machine") == null || !Files.isDirectory(Path.of("/run/systemd/system"))
                    || !Files.exists(Path.of("/run/systemd/private"))) {
                return ConditionEvaluationResult.disabled("not inside the flt-agent machine: these run via "
                        + "`mvn -pl agent -am verify` as root, which boots it (src/test/nspawn/bin/java)");
            }
            return ConditionEvaluationResult.enabled("inside " + System.getProperty("flotilla.agent.machine"));
        }
    }
}
