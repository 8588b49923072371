package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "stop", mixinStandardHelpOptions = true, description = {"Stop units, leaving them loaded on their machines.",
        "A unit not scheduled to a machine (inactive) is refused; units not in the cluster are passed over.",
        "Waits until no machine runs them, unless --no-block."})
final class StopCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        // fleetctl's checks: an unscheduled unit cannot be stopped, a loaded one is already stopped.
        return Trigger.fleetStyle(this, client, units, DesiredState.LOADED, AwaitedState.STOPPED, "stop", "stopped", block,
                e -> e.currentState().equals("loaded"),
                e -> e.currentState().equals("inactive") ? "Unable to stop unit " + e.name() + " in state inactive" : null);
    }
}
