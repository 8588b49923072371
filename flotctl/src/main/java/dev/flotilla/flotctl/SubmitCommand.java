package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "submit", mixinStandardHelpOptions = true, description = {"Upload unit files to the cluster without loading them.",
        "A UNIT is a unit file path, or the name of a unit (.service is added when it has no unit suffix)."})
final class SubmitCommand extends ClusterCommand {
    @Option(names = "--replace", description = "Replace units whose text differs from the one in the cluster.")
    boolean replace;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        new UnitActions(client, out(), err()).apply(units, root.workingDir(), null, replace);
        return 0;
    }
}
