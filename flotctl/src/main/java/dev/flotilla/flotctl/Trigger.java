package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitName;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Setting desired states of units already in the cluster, then waiting (or saying it was triggered). */
final class Trigger {
    private Trigger() {
    }

    static int waitOrAnnounce(ClusterCommand command, FlotillaClient client, List<String> names, AwaitedState goal,
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
    static List<String> setDesired(FlotillaClient client, List<String> args, DesiredState desired) {
        List<String> names = UnitArguments.names(args);
        Map<String, UnitFileEntry> found = ClusterCommand.existing(client, names);
        List<String> problems = new ArrayList<>();
        for (UnitFileEntry e : found.values()) {
            if (desired == DesiredState.LAUNCHED && UnitName.parse(e.name()).isTemplate()) {
                problems.add("unit " + e.name() + " is a template: it is never started itself (load it for a socket"
                        + " that accepts connections, or start an instance)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CommandFailure(problems.get(0), problems.subList(1, problems.size()));
        }
        UnitWrites.setDesired(client, names, desired);
        return names;
    }

    /**
     * stop and unload as fleetctl did them: units not in the cluster are passed over (none at all:
     * "Units not found in registry", exit 0), global units are triggered, the others are set and
     * waited for, and a last line on stderr names them ("Successfully stopped units [a b].").
     *
     * @param skip which non-global units need nothing (fleetctl: stop skips loaded ones, unload inactive ones)
     * @param refuse a non-global unit's refusal, or null (fleetctl: stop refuses an inactive one); any
     *               refusal fails the command before anything is written
     * @return the exit code
     */
    static int fleetStyle(ClusterCommand command, FlotillaClient client, List<String> args, DesiredState desired,
                          AwaitedState goal, String action, String done, BlockOptions block,
                          java.util.function.Predicate<UnitFileEntry> skip,
                          java.util.function.Function<UnitFileEntry, String> refuse) {
        int attempts = block.attempts(); // a bad value is a usage error before anything else
        Map<String, UnitFileEntry> found = ClusterCommand.found(client, UnitArguments.names(args));
        if (found.isEmpty()) {
            command.err().println("Units not found in registry");
            return 0;
        }
        for (UnitFileEntry e : found.values()) {
            String refusal = e.global() ? null : refuse.apply(e);
            if (refusal != null) {
                command.err().println(refusal);
                return 1;
            }
        }
        List<String> set = new ArrayList<>();
        List<String> wait = new ArrayList<>();
        for (UnitFileEntry e : found.values()) {
            if (e.global()) {
                set.add(e.name());
            } else if (!skip.test(e)) {
                set.add(e.name());
                wait.add(e.name());
            } else if (!e.desiredState().equals(desired.fleetName())) {
                set.add(e.name()); // nothing to wait for, but the desired state still moves (a waiting unit)
            }
        }
        if (!set.isEmpty()) {
            UnitWrites.setDesired(client, set, desired);
        }
        for (UnitFileEntry e : found.values()) {
            if (e.global()) {
                command.out().println("Triggered global unit " + e.name() + " " + action);
            }
        }
        if (!wait.isEmpty()) {
            waitOrAnnounce(command, client, wait, goal, block.noBlock, attempts, action);
        }
        command.err().println("Successfully " + done + " units [" + String.join(" ", wait) + "].");
        return 0;
    }
}
