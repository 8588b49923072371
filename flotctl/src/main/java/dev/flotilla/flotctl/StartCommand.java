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
        "Waits until each unit is active on its machine, unless --no-block.",
        "--replace of running units rolls: the engine replaces --max-parallel at a time, each waited for until healthy",
        "(--min-healthy), and stops on a failure (--auto-revert puts the replaced ones back); --all-at-once does not roll."})
final class StartCommand extends ClusterCommand {
    @Option(names = "--replace", description = "Replace units whose text differs from the one in the cluster.")
    boolean replace;

    @Mixin
    BlockOptions block;

    @Mixin
    RolloutStart rollout;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        if (replace && !rollout.allAtOnce) {
            // Running units whose text differs roll (RolloutStart); the rest start as below.
            RolloutStart.Split split = rollout.split(client, units, root.workingDir(), err());
            if (!split.rolled().isEmpty()) {
                int started = 0;
                if (!split.rest().isEmpty()) {
                    UnitActions restActions = new UnitActions(client, out(), err());
                    List<String> rest = restActions.apply(split.rest(), root.workingDir(), DesiredState.LAUNCHED, true);
                    started = Trigger.waitOrAnnounce(this, client, rest, AwaitedState.ACTIVE, block.noBlock, attempts, "start",
                            restActions.marks());
                }
                int rolled = rollout.roll(client, split.rolled(), block.noBlock, out(), err(), root.terminal());
                return Math.max(started, rolled);
            }
        }
        UnitActions actions = new UnitActions(client, out(), err());
        List<String> names = actions.apply(units, root.workingDir(), DesiredState.LAUNCHED, replace);
        return Trigger.waitOrAnnounce(this, client, names, AwaitedState.ACTIVE, block.noBlock, attempts, "start",
                actions.marks());
    }
}
