package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "restart", mixinStandardHelpOptions = true, description = {"Stop, then start units already in the cluster.",
        "Always waits for the stop; waits for the start unless --no-block."})
final class RestartCommand extends ClusterCommand {
    @Mixin
    BlockOptions block;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        int attempts = block.attempts();
        List<String> names = UnitArguments.names(units);
        List<String> running = new ArrayList<>();
        for (UnitFileEntry e : existing(client, names).values()) {
            if (e.desiredState().equals("launched")) {
                running.add(e.name());
            }
        }
        if (!running.isEmpty()) {
            Trigger.setDesired(client, running, DesiredState.LOADED);
            waiter(client).await(running, AwaitedState.STOPPED, attempts, "stop", (unit, check) -> "Unit " + unit + " stopped");
        }
        StateWaiter.Marks marks = Trigger.setDesiredMarked(client, names, DesiredState.LAUNCHED);
        return Trigger.waitOrAnnounce(this, client, names, AwaitedState.ACTIVE, block.noBlock, attempts, "start", marks);
    }
}
