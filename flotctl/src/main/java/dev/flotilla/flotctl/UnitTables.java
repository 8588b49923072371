package dev.flotilla.flotctl;

import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitStateEntry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The columns of list-units and list-unit-files, as fleetctl printed them. */
final class UnitTables {
    static final String UNITS_DEFAULT = "unit,machine,active,sub";
    static final String UNIT_FILES_DEFAULT = "unit,hash,dstate,state,target";
    /** Added to the default columns when a listed unit has a remembered failure (RescheduleOnFailure=, Flotilla's own). */
    static final String FAILURE_FIELDS = "attempts,failure";

    private UnitTables() {
    }

    /** One row per published state: a global unit has one per machine. */
    static Table<UnitStateEntry> units(boolean full) {
        Map<String, Function<UnitStateEntry, String>> c = new LinkedHashMap<>();
        c.put("unit", UnitStateEntry::name);
        c.put("machine", s -> Table.machineLegend(s.machineID(), s.machineIP(), full));
        c.put("active", s -> dash(s.systemdActiveState()));
        c.put("sub", s -> dash(s.systemdSubState()));
        c.put("load", s -> dash(s.systemdLoadState()));
        c.put("hash", s -> Table.hash(s.hash(), full));
        c.put("restarts", s -> Integer.toString(s.restarts()));
        c.put("since", s -> since(s.sinceMicros(), java.time.ZoneId.systemDefault()));
        return new Table<>(c);
    }

    private static final java.time.format.DateTimeFormatter SYSTEMCTL_TIME =
            java.time.format.DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss zzz", java.util.Locale.ROOT);

    /**
     * systemd's StateChangeTimestamp as {@code systemctl status} shows it ("since Wed 2026-12-02
     * 05:52:10 UTC"), in the local time zone; "-" when not known (the state came from a bulk read).
     */
    static String since(long micros, java.time.ZoneId zone) {
        if (micros <= 0) {
            return "-";
        }
        java.time.Instant at = java.time.Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
        return SYSTEMCTL_TIME.format(at.atZone(zone));
    }

    /** One row per unit; a global unit's state is "-" and its target "global". */
    static Table<UnitFileEntry> unitFiles(boolean full) {
        Map<String, Function<UnitFileEntry, String>> c = new LinkedHashMap<>();
        c.put("unit", UnitFileEntry::name);
        c.put("hash", u -> Table.hash(u.hash(), full));
        c.put("dstate", u -> dash(u.desiredState()));
        c.put("state", u -> u.global() ? "-" : dash(u.currentState()));
        c.put("target", u -> u.global() ? "global" : Table.machineLegend(u.machineID(), u.machineIP(), full));
        c.put("global", u -> Boolean.toString(u.global()));
        c.put("desc", u -> dash(u.description()));
        c.put("waiting", u -> dash(u.waiting()));
        c.put("attempts", u -> u.lastFailure().isEmpty() ? "-" : Integer.toString(u.rescheduleAttempts()));
        c.put("failure", u -> u.lastFailure().isEmpty() ? "-"
                : u.lastFailure() + (u.lastFailureAt().isEmpty() ? "" : " at " + u.lastFailureAt()));
        return new Table<>(c);
    }

    /** The default columns, with the failure columns if any row has a remembered failure; other choices as given. */
    static String unitFileFields(String fields, java.util.List<UnitFileEntry> rows) {
        if (fields.equals(UNIT_FILES_DEFAULT) && rows.stream().anyMatch(u -> !u.lastFailure().isEmpty())) {
            return fields + "," + FAILURE_FIELDS;
        }
        return fields;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
