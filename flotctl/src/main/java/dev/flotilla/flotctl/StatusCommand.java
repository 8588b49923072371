package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print 'systemctl status' of a unit, run on its machine by that machine's flotd (no ssh).")
final class StatusCommand extends ClusterCommand {
    @Parameters(paramLabel = "UNIT", description = "The unit (.service is added when it has no unit suffix).")
    String unit;

    @Override
    int run(FlotillaClient client) {
        String name = UnitArguments.nameOf(unit);
        String status = UnitMachine.call(root, client, name, c -> c.unitStatus(name));
        out().print(status);
        out().flush();
        return 0;
    }
}
