package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "destroy", mixinStandardHelpOptions = true, description = {"Stop units and remove them from the cluster.",
        "A unit that is not in the cluster is passed over (as fleetctl did).",
        "Waits until no machine reports them, unless --no-block."})
final class DestroyCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        List<String> destroyed = new ArrayList<>();
        for (String name : UnitArguments.names(units)) {
            if (client.deleteUnit(name)) {
                destroyed.add(name);
                out().println("Destroyed " + name);
            }
        }
        if (destroyed.isEmpty()) {
            err().println("Units not found in registry"); // fleetctl's words; a missing unit is otherwise passed over
        }
        out().flush();
        if (!block.noBlock && !destroyed.isEmpty()) {
            waiter(client).await(destroyed, AwaitedState.GONE, attempts, "destroy", null);
        }
        return 0;
    }
}
