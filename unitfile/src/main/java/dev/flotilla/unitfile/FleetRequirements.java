package dev.flotilla.unitfile;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduling requirements a unit states in its {@code [X-Fleet]} section, with specifiers
 * already expanded for the unit's own name.
 *
 * <p>Glob patterns are kept compiled (the record holds {@link Glob}s) so that the engine's
 * many {@link #conflictsWith}/{@link #replacesUnit} calls never re-parse a pattern;
 * {@link #conflicts()} and {@link #replaces()} give the pattern text.
 *
 * @param machineId     {@code MachineID=}: run only on this machine
 * @param machineOf     {@code MachineOf=}: run where these units run
 * @param metadata      {@code MachineMetadata=}
 * @param conflictGlobs {@code Conflicts=}
 * @param global        {@code Global=}: one copy on every matching machine
 * @param replaceGlobs  {@code Replaces=}
 * @param rescheduleOnFailure {@code RescheduleOnFailure=} (Flotilla's): how many times the engine moves the
 *                      unit to another machine after it ended failed; 0 (the default) keeps it where it failed, as fleet
 */
public record FleetRequirements(Optional<String> machineId, List<String> machineOf, MetadataRequirement metadata,
                                List<Glob> conflictGlobs, boolean global, List<Glob> replaceGlobs,
                                int rescheduleOnFailure) {

    /** The most attempts {@code RescheduleOnFailure=} may ask for. */
    public static final int MAX_RESCHEDULES = 100;

    /** A unit without an [X-Fleet] section: may run anywhere. */
    public static final FleetRequirements NONE =
            new FleetRequirements(Optional.empty(), List.of(), MetadataRequirement.NONE, List.of(), false, List.of(), 0);

    public FleetRequirements {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(metadata, "metadata");
        machineOf = List.copyOf(machineOf);
        conflictGlobs = List.copyOf(conflictGlobs);
        replaceGlobs = List.copyOf(replaceGlobs);
        if (rescheduleOnFailure < 0 || rescheduleOnFailure > MAX_RESCHEDULES) {
            throw new IllegalArgumentException("rescheduleOnFailure must be 0.." + MAX_RESCHEDULES + ", not " + rescheduleOnFailure);
        }
    }

    /** Requirements without {@code RescheduleOnFailure=}. */
    public FleetRequirements(Optional<String> machineId, List<String> machineOf, MetadataRequirement metadata,
                             List<Glob> conflictGlobs, boolean global, List<Glob> replaceGlobs) {
        this(machineId, machineOf, metadata, conflictGlobs, global, replaceGlobs, 0);
    }

    /** Builds requirements from pattern text (e.g. in tests); a malformed pattern is refused. */
    public static FleetRequirements of(Optional<String> machineId, List<String> machineOf, MetadataRequirement metadata,
                                       List<String> conflicts, boolean global, List<String> replaces) {
        return new FleetRequirements(machineId, machineOf, metadata,
                conflicts.stream().map(Glob::compile).toList(), global,
                replaces.stream().map(Glob::compile).toList());
    }

    /** The {@code Conflicts=} patterns as written (after specifier expansion). */
    public List<String> conflicts() {
        return conflictGlobs.stream().map(Glob::pattern).toList();
    }

    /** The {@code Replaces=} patterns as written (after specifier expansion). */
    public List<String> replaces() {
        return replaceGlobs.stream().map(Glob::pattern).toList();
    }

    /**
     * Whether one of this unit's Conflicts patterns matches {@code otherUnitName}. Conflicts are
     * symmetric, so a scheduler checks both directions, and skips the unit itself (a pattern such
     * as {@code web@*.service} in {@code web@1.service} matches its own name on purpose).
     */
    public boolean conflictsWith(String otherUnitName) {
        for (Glob g : conflictGlobs) {
            if (g.matches(otherUnitName)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of this unit's Replaces patterns matches {@code name}. */
    public boolean replacesUnit(String name) {
        for (Glob g : replaceGlobs) {
            if (g.matches(name)) {
                return true;
            }
        }
        return false;
    }

    /** True when the unit states nothing and may run on any machine. */
    public boolean isEmpty() {
        return machineId.isEmpty() && machineOf.isEmpty() && metadata.isEmpty() && conflictGlobs.isEmpty()
                && !global && replaceGlobs.isEmpty() && rescheduleOnFailure == 0;
    }
}
