package dev.flotilla.flotctl;

import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a blocking command waits for, judged on one listing of the cluster. A goal is reached only
 * when the engine has acted on the new desired state (the unit's current state) and the agent's
 * published systemd state agrees, so a state left over from before the command never counts.
 */
enum AwaitedState {
    /** load: scheduled as loaded, and its machine reports it loaded (at the unit's hash). */
    LOADED("loaded", "loaded"),
    /** start: scheduled as launched, and its machine reports it active (at the unit's hash). */
    ACTIVE("launched", "launched"),
    /** stop: no longer launched, and no machine reports it running. */
    STOPPED("stopped", "loaded"),
    /** unload, destroy: no machine reports any state of it. */
    GONE("unloaded", "inactive");

    /** systemd active states in which a unit still runs or is about to. */
    private static final Set<String> RUNNING = Set.of("active", "activating", "deactivating", "reloading", "refreshing");

    private final String verb;
    private final String reportedState;

    AwaitedState(String verb, String reportedState) {
        this.verb = verb;
        this.reportedState = reportedState;
    }

    /** For messages: "3 of 5 units launched". */
    String verb() {
        return verb;
    }

    /** fleetctl's word for the state reached: "Unit web.service launched on ...". */
    String reportedState() {
        return reportedState;
    }

    /** One unit measured against the goal. */
    record Check(boolean reached, String machineId, String machineIp, String situation, String waiting) {
    }

    /** Judges one unit on a listing (for many units, index the listing once: {@link Indexed}). */
    Check check(String unit, UnitListing listing) {
        return check(unit, new Indexed(listing));
    }

    /** A listing indexed by unit name. */
    static final class Indexed {
        private final Map<String, UnitFileEntry> units = new HashMap<>();
        private final Map<String, List<UnitStateEntry>> states = new HashMap<>();

        Indexed(UnitListing listing) {
            for (UnitFileEntry e : listing.units()) {
                units.put(e.name(), e);
            }
            for (UnitStateEntry s : listing.states()) {
                states.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
            }
        }

        UnitFileEntry unit(String name) {
            return units.get(name);
        }

        List<UnitStateEntry> states(String name) {
            return states.getOrDefault(name, List.of());
        }
    }

    Check check(String unit, Indexed listing) {
        UnitFileEntry entry = listing.unit(unit);
        List<UnitStateEntry> states = listing.states(unit);
        String waiting = entry == null ? "" : entry.waiting();
        String machine = entry == null ? "" : entry.machineID();
        String ip = entry == null ? "" : entry.machineIP();
        switch (this) {
            case GONE -> {
                boolean engineDone = entry == null || entry.currentState().equals("inactive");
                return new Check(engineDone && states.isEmpty(), machine, ip,
                        states.isEmpty() ? "not yet unscheduled" : "still reported by " + describe(states), waiting);
            }
            case STOPPED -> {
                boolean engineDone = entry == null || !entry.currentState().equals("launched");
                List<UnitStateEntry> running = states.stream().filter(s -> RUNNING.contains(s.systemdActiveState())).toList();
                return new Check(engineDone && running.isEmpty(), machine, ip,
                        running.isEmpty() ? "not yet rescheduled as loaded" : "still running: " + describe(running), waiting);
            }
            default -> {
                if (entry == null) {
                    return new Check(false, "", "", "the unit no longer exists", "");
                }
                String wanted = this == LOADED ? "loaded" : "launched";
                if (machine.isEmpty()) {
                    return new Check(false, "", "", "not scheduled", waiting);
                }
                UnitStateEntry onMachine = null;
                for (UnitStateEntry s : states) {
                    if (s.machineID().equals(machine)) {
                        onMachine = s;
                    }
                }
                if (onMachine == null) {
                    return new Check(false, machine, ip, "scheduled, no state reported yet", waiting);
                }
                boolean current = onMachine.hash().isEmpty() || onMachine.hash().equals(entry.hash());
                boolean systemdOk = this == LOADED ? onMachine.systemdLoadState().equals("loaded")
                        : onMachine.systemdActiveState().equals("active");
                boolean reached = entry.currentState().equals(wanted) && current && systemdOk;
                return new Check(reached, machine, ip, "on " + Table.machineLegend(machine, ip, false) + ": "
                        + onMachine.systemdLoadState() + " " + onMachine.systemdActiveState() + " " + onMachine.systemdSubState()
                        + (current ? "" : " (an older version)"), waiting);
            }
        }
    }

    private static String describe(List<UnitStateEntry> states) {
        List<String> parts = new ArrayList<>();
        for (UnitStateEntry s : states) {
            parts.add(Table.machineLegend(s.machineID(), s.machineIP(), false) + " (" + s.systemdActiveState() + ")");
        }
        return String.join(", ", parts);
    }
}
