package dev.flotilla.model;

import dev.flotilla.unitfile.Demand;
import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What is derived from one unit's text, for the unit {@code name} whose text has {@code hash}: the
 * one place the engine, the agent, the API and the registry read a stored text. Read a unit with
 * {@link #of}, which parses each (name, text) once per process; a new derived fact is one more
 * component filled in by {@link #read}.
 *
 * <p>A text that cannot be read ({@link #problem}) has the facts of an empty unit: not global, no
 * [X-Fleet] requirements, no description. The API refuses such texts, so this only happens to a
 * record written by other means (or by a newer version); each reader then decides what it means.
 *
 * @param fleet       the [X-Fleet] requirements, specifiers expanded for {@code name}
 * @param description the last {@code [Unit] Description=}, or empty
 * @param template    the name is a template ({@code foo@.service})
 * @param hasInstall  an [Install] section with at least one option: the agent also enables the unit
 * @param activates   for a socket unit, the service systemd starts on a connection ({@code Service=},
 *                    else {@code foo.service}, or the template {@code foo@.service} with {@code Accept=yes})
 * @param demand      what the unit reserves on its machine (CPU, memory), {@link Demand#NONE} for nothing
 * @param problem     why the text could not be read (then the rest is that of an empty unit)
 */
public record UnitFacts(String name, String hash, FleetRequirements fleet, String description, boolean template,
                        boolean hasInstall, Optional<String> activates, Demand demand, Optional<String> problem) {

    public UnitFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(activates, "activates");
        Objects.requireNonNull(demand, "demand");
        Objects.requireNonNull(problem, "problem");
    }

    private static final UnitFactsCache CACHE = new UnitFactsCache(UnitFactsCache.MAX_ENTRIES);

    /**
     * The facts of a stored unit, from the process-wide cache. The record's hash must be that of its
     * text ({@link UnitFile#hashOf}): it is the cache key, with the name.
     */
    public static UnitFacts of(UnitRecord unit) {
        return CACHE.get(unit.name(), unit.text(), unit.hash());
    }

    /** The facts of a text, computing its hash; from the process-wide cache. */
    public static UnitFacts of(String name, String text) {
        return CACHE.get(name, text, UnitFile.hashOf(text));
    }

    /** Parses the text, no cache. */
    public static UnitFacts read(String name, String text, String hash) {
        UnitFile file;
        try {
            file = UnitFile.parse(name, text);
        } catch (UnitFileException | IllegalArgumentException e) {
            return new UnitFacts(name, hash, FleetRequirements.NONE, "", false, false, Optional.empty(),
                    Demand.NONE, Optional.of(String.valueOf(e.getMessage())));
        }
        UnitName n = file.name();
        String description = last(file.values("Unit", "Description"));
        return new UnitFacts(name, hash, file.fleet(), description == null ? "" : description, n.isTemplate(),
                file.hasInstallSection(), activatedService(file), file.demand(), Optional.empty());
    }

    /** Whether the text could be read; if not, {@link #problem} says why. */
    public boolean readable() {
        return problem.isEmpty();
    }

    /** {@code [X-Fleet] Global=}: one copy on every matching machine; false for an unreadable text. */
    public boolean global() {
        return fleet.global();
    }

    private static Optional<String> activatedService(UnitFile file) {
        UnitName n = file.name();
        if (!"socket".equals(n.suffix())) {
            return Optional.empty();
        }
        String service = last(file.values("Socket", "Service"));
        if (service != null && !service.isBlank()) {
            return Optional.of(service.strip());
        }
        if (isTrue(last(file.values("Socket", "Accept")))) {
            return Optional.of(n.prefix() + "@.service");
        }
        return Optional.of(n.nameWithoutSuffix() + ".service");
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? null : values.get(values.size() - 1);
    }

    /** systemd's boolean true ({@code parse_boolean}). */
    private static boolean isTrue(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("yes") || v.equals("true") || v.equals("1") || v.equals("on") || v.equals("y") || v.equals("t");
    }
}
