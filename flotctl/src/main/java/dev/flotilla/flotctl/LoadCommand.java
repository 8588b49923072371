package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "load", mixinStandardHelpOptions = true, description = {"Schedule units to machines without starting them, submitting them first if needed.",
        "Waits until each unit is loaded on its machine, unless --no-block."})
final class LoadCommand extends ClusterCommand {
    @Option(names = "--replace", description = "Replace units whose text differs from the one in the cluster.")
    boolean replace;

    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        UnitActions actions = new UnitActions(client, out(), err());
        List<String> names = actions.apply(units, root.workingDir(), DesiredState.LOADED, replace);
        return Trigger.waitOrAnnounce(this, client, names, AwaitedState.LOADED, block.noBlock, attempts, "load",
                actions.marks());
    }
}
