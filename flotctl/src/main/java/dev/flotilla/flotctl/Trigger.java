package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitName;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Setting desired states of units already in the cluster, then waiting (or saying it was triggered). */
final class Trigger {
    private Trigger() {
    }

    /** Journal lines shown of each unit that failed a load or start. */
    static final int JOURNAL_LINES = 10;

    static int waitOrAnnounce(ClusterCommand command, FlotillaClient client, List<String> names, AwaitedState goal,
                              boolean noBlock, int attempts, String action) {
        return waitOrAnnounce(command, client, names, goal, noBlock, attempts, action, StateWaiter.Marks.NONE);
    }

    /**
     * As above, judging each unit by its machine's answer to the write in {@code marks}: exit 1 as
     * soon as one failed, with its state and last journal lines on stderr.
     */
    static int waitOrAnnounce(ClusterCommand command, FlotillaClient client, List<String> names, AwaitedState goal,
                              boolean noBlock, int attempts, String action, StateWaiter.Marks marks) {
        if (noBlock) {
            for (String name : names) {
                command.out().println("Triggered unit " + name + " " + action);
            }
            return 0;
        }
        StateWaiter.Outcome outcome = command.waiter(client).await(names, goal, attempts, action,
                (unit, check) -> StateWaiter.fleetMessage(unit, goal, check), marks);
        if (outcome.failed().isEmpty()) {
            return 0;
        }
        PrintWriter err = command.err();
        for (Map.Entry<String, AwaitedState.Check> f : outcome.failed().entrySet()) {
            err.println("Unit " + f.getKey() + " failed to " + action + " " + f.getValue().situation());
            printJournal(command, client, f.getKey(), err);
        }
        err.flush();
        return 1;
    }

    /** The unit's last journal lines, read by its machine's daemon as {@code flotctl journal} does. */
    private static void printJournal(ClusterCommand command, FlotillaClient client, String unit, PrintWriter err) {
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        try {
            UnitMachine.call(command.root, client, unit, c -> {
                c.journal(unit, JOURNAL_LINES, false, lines);
                return null;
            });
        } catch (RuntimeException e) {
            err.println("  (its journal could not be read: " + e.getMessage() + ")");
            return;
        }
        String text = lines.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (text.isBlank()) {
            err.println("  (its journal has no lines)");
            return;
        }
        err.println("  last journal lines of " + unit + ":");
        for (String line : text.split("\n")) {
            err.println("    " + line);
        }
    }

    /** Sets the desired state of existing units; all are checked before the first is written. */
    static List<String> setDesired(FlotillaClient client, List<String> args, DesiredState desired) {
        setDesiredMarked(client, args, desired);
        return UnitArguments.names(args);
    }

    /** As {@link #setDesired}, telling what was written (for a wait on the agents' answers). */
    static StateWaiter.Marks setDesiredMarked(FlotillaClient client, List<String> args, DesiredState desired) {
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
        return StateWaiter.Marks.of(UnitWrites.setDesired(client, names, desired));
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
