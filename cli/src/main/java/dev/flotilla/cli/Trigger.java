package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.unitfile.UnitName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Setting desired states of units already in the cluster, then waiting (or saying it was triggered). */
final class Trigger {
    private Trigger() {
    }

    static int waitOrAnnounce(ClusterCommand command, FlotillaClient client, List<String> names, Goal goal,
                              boolean noBlock, int attempts, String action) {
        if (noBlock) {
            for (String name : names) {
                command.out().println("Triggered unit " + name + " " + action);
            }
            return 0;
        }
        command.waiter(client).await(names, goal, attempts, action, (unit, check) -> StateWaiter.fleetMessage(unit, goal, check));
        return 0;
    }

    /** Sets the desired state of existing units; all are checked before the first is written. */
    static List<String> setDesired(FlotillaClient client, List<String> args, DesiredState desired, boolean refuseInactive) {
        List<String> names = UnitArguments.names(args);
        Map<String, UnitFileEntry> found = ClusterCommand.existing(client, names);
        List<String> problems = new ArrayList<>();
        for (UnitFileEntry e : found.values()) {
            if (desired == DesiredState.LAUNCHED && UnitName.parse(e.name()).isTemplate()) {
                problems.add("unit " + e.name() + " is a template: it is never started itself (load it for a socket"
                        + " that accepts connections, or start an instance)");
            }
            if (refuseInactive && e.desiredState().equals("inactive")) {
                problems.add("unable to stop unit " + e.name() + ": it is inactive (not loaded on any machine)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandFailure(problems.get(0), problems.subList(1, problems.size()));
        }
        for (String name : names) {
            client.setDesiredState(name, desired);
        }
        return names;
    }
}
