package dev.flotilla.flotctl;

import dev.flotilla.unitfile.UnitFileVerifier;
import dev.flotilla.unitfile.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Checks unit files locally, with no cluster: exit 0 only if every file is valid. */
@Command(name = "verify", description = {"Check unit files without a cluster.",
        "Prints each problem as file:line: message (warnings too); exits 0 only if every file is valid.",
        "The unit name comes from the file name (.service is added when it has no unit suffix)."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Unit files to check.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allValid = true;
        for (Path file : files) {
            Verification v = UnitFileVerifier.check(file);
            for (String line : v.lines()) {
                (v.valid() ? out : err).println(line);
            }
            allValid &= v.valid();
        }
        out.flush();
        err.flush();
        return allValid ? 0 : 1;
    }
}
