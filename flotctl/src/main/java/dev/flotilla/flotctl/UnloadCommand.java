package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "unload", mixinStandardHelpOptions = true, description = {"Stop units and unschedule them from their machines; they stay submitted.",
        "Units not in the cluster are passed over.",
        "Waits until no machine reports them, unless --no-block."})
final class UnloadCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        // fleetctl's check: a unit on no machine (inactive) has nothing to wait for.
        return Trigger.fleetStyle(this, client, units, DesiredState.INACTIVE, AwaitedState.GONE, "unload", "unloaded", block,
                e -> e.currentState().equals("inactive"), e -> null);
    }
}
