package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "start", mixinStandardHelpOptions = true, description = {"Start units in the cluster, submitting and loading them first if needed.",
        "start web@1.service makes the instance from the template web@.service (in the cluster, else on disk).",
        "Waits until each unit is active on its machine, unless --no-block."})
final class StartCommand extends ClusterCommand {
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
        List<String> names = actions.apply(units, root.workingDir(), DesiredState.LAUNCHED, replace);
        return Trigger.waitOrAnnounce(this, client, names, AwaitedState.ACTIVE, block.noBlock, attempts, "start",
                actions.marks());
    }
}
