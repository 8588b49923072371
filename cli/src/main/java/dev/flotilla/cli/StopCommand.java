package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.registry.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "stop", mixinStandardHelpOptions = true, description = {"Stop units, leaving them loaded on their machines.",
        "Waits until no machine runs them, unless --no-block."})
final class StopCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        List<String> names = Trigger.setDesired(client, units, DesiredState.LOADED, true);
        return Trigger.waitOrAnnounce(this, client, names, Goal.STOPPED, block.noBlock, attempts, "stop");
    }
}
