package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitDetail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cat", mixinStandardHelpOptions = true, description = "Print a unit's text exactly as it was submitted.")
final class CatCommand extends ClusterCommand {
    @Parameters(paramLabel = "UNIT", description = "The unit (.service is added when it has no unit suffix).")
    String unit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (the text itself, the default) or json (the unit: text, hash, desired and current state, machine).")
    OutputFormat output;

    @Override
    int run(FlotillaClient client) {
        String name = UnitArguments.nameOf(unit);
        UnitDetail detail = client.unitDetail(name)
                .orElseThrow(() -> new CommandFailure("unit " + name + " not found in the cluster"));
        if (output == OutputFormat.json) {
            OutputFormat.printJson(out(), detail);
        } else {
            // Exactly the submitted text: no newline added, none translated.
            out().print(detail.text());
            out().flush();
        }
        return 0;
    }
}
