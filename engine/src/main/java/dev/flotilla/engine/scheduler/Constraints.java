package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Glob;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A unit's placement rules, the scheduler's own form of the [X-Fleet] section (the engine adapts
 * the parsed unit file into this, so the scheduler does not depend on the parser).
 *
 * @param machineId  a full machine id, or a prefix of at least 8 characters naming exactly one machine
 * @param machineOf  names of the units this one must share a machine with
 * @param metadata   which machines' metadata are acceptable ({@link MetadataRule#ANY} for all)
 * @param conflicts  compiled glob patterns ({@code * ? [...]}) of units that may not share a machine with this one;
 *                   symmetric: either side's pattern matching the other's name is a conflict
 * @param replaces   compiled glob patterns of units this one pushes off the machine it lands on
 * @param global     run by every matching machine's agent; never placed by the scheduler
 * @param avoid      machines it must not be on (RescheduleOnFailure=: where it failed); the engine fills it
 */
public record Constraints(Optional<String> machineId, List<String> machineOf, MetadataRule metadata,
                          List<Glob> conflicts, List<Glob> replaces, boolean global, Set<String> avoid) {

    public static final Constraints NONE =
            new Constraints(Optional.empty(), List.of(), MetadataRule.ANY, List.of(), List.of(), false);

    public Constraints(Optional<String> machineId, List<String> machineOf, MetadataRule metadata,
                       List<Glob> conflicts, List<Glob> replaces, boolean global) {
        this(machineId, machineOf, metadata, conflicts, replaces, global, Set.of());
    }

    public Constraints {
        Objects.requireNonNull(machineId, "machineId");
        machineOf = List.copyOf(machineOf);
        Objects.requireNonNull(metadata, "metadata");
        conflicts = List.copyOf(conflicts);
        replaces = List.copyOf(replaces);
        avoid = Set.copyOf(avoid);
    }

    /** The same rules, kept off these machines. */
    public Constraints withAvoid(Set<String> machines) {
        return new Constraints(machineId, machineOf, metadata, conflicts, replaces, global, machines);
    }

    public Constraints withMachineId(String id) {
        return new Constraints(Optional.of(id), machineOf, metadata, conflicts, replaces, global);
    }

    public Constraints withMachineOf(String... units) {
        return new Constraints(machineId, List.of(units), metadata, conflicts, replaces, global);
    }

    public Constraints withMetadata(MetadataRule rule) {
        return new Constraints(machineId, machineOf, rule, conflicts, replaces, global);
    }

    public Constraints withConflicts(String... globs) {
        return new Constraints(machineId, machineOf, metadata, compile(globs), replaces, global);
    }

    public Constraints withReplaces(String... globs) {
        return new Constraints(machineId, machineOf, metadata, conflicts, compile(globs), global);
    }

    private static List<Glob> compile(String... patterns) {
        return Arrays.stream(patterns).map(Glob::compile).toList();
    }

    /** Whether any of the patterns matches the name. */
    static boolean anyMatches(List<Glob> patterns, String name) {
        for (Glob g : patterns) {
            if (g.matches(name)) {
                return true;
            }
        }
        return false;
    }

    public Constraints asGlobal() {
        return new Constraints(machineId, machineOf, metadata, conflicts, replaces, true);
    }
}
