package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.registry.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "unload", mixinStandardHelpOptions = true, description = {"Stop units and unschedule them from their machines; they stay submitted.",
        "Waits until no machine reports them, unless --no-block."})
final class UnloadCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        List<String> names = Trigger.setDesired(client, units, DesiredState.INACTIVE, false);
        return Trigger.waitOrAnnounce(this, client, names, Goal.GONE, block.noBlock, attempts, "unload");
    }
}
