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
 *
 * <p>With the start marker ({@link #check(String, Indexed, long)} given the revision W the write
 * answered): a load or start is decided by the state of the unit's machine that answers it
 * ({@code answers >= W}, at the unit's hash), and only by that one. Start: {@code active} is done;
 * {@code inactive}/{@code dead} is done too (it ran and exited with success, e.g. {@code Type=oneshot}:
 * an answered state was read after the start, so it is not "never started"); {@code failed} fails at
 * once. Load: {@code loaded} is done; any other load state (not-found, bad-setting, error, masked)
 * fails at once. Anything else, or no answer yet, is still pending.
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

    /**
     * One unit measured against the goal.
     *
     * @param failed the unit's machine answered the change with a failure: waiting longer is pointless
     */
    record Check(boolean reached, String machineId, String machineIp, String situation, String waiting, boolean failed) {
        Check(boolean reached, String machineId, String machineIp, String situation, String waiting) {
            this(reached, machineId, machineIp, situation, waiting, false);
        }
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

    /**
     * Judges one unit whose change was written at revision {@code written} (0: not known, e.g. an older
     * daemon; then as {@link #check(String, Indexed)}), by the answer of its machine.
     */
    Check check(String unit, Indexed listing, long written) {
        if (written <= 0 || (this != LOADED && this != ACTIVE)) {
            return check(unit, listing);
        }
        UnitFileEntry entry = listing.unit(unit);
        if (entry == null) {
            return new Check(false, "", "", "the unit no longer exists", "");
        }
        String machine = entry.machineID();
        String ip = entry.machineIP();
        if (machine.isEmpty()) {
            return new Check(false, "", "", "not scheduled", entry.waiting());
        }
        UnitStateEntry answer = null;
        for (UnitStateEntry s : listing.states(unit)) {
            if (s.machineID().equals(machine) && s.answers() >= written) {
                answer = s;
            }
        }
        if (answer == null) {
            return new Check(false, machine, ip, "scheduled, its machine has not answered yet", entry.waiting());
        }
        String on = "on " + Table.machineLegend(machine, ip, false) + ": " + answer.systemdLoadState() + " "
                + answer.systemdActiveState() + " " + answer.systemdSubState();
        if (!answer.hash().isEmpty() && !answer.hash().equals(entry.hash())) {
            return new Check(false, machine, ip, on + " (an older version)", entry.waiting());
        }
        String wanted = this == LOADED ? "loaded" : "launched";
        boolean engineDone = entry.currentState().equals(wanted);
        if (this == LOADED) {
            boolean loaded = answer.systemdLoadState().equals("loaded");
            return new Check(engineDone && loaded, machine, ip, on, entry.waiting(), !loaded);
        }
        String active = answer.systemdActiveState();
        boolean ranAndExited = active.equals("inactive") && answer.systemdSubState().equals("dead");
        boolean failed = active.equals("failed") || !answer.systemdLoadState().equals("loaded") && !active.equals("active");
        return new Check(engineDone && !failed && (active.equals("active") || ranAndExited), machine, ip,
                ranAndExited ? on + " (ran and exited)" : on, entry.waiting(), failed);
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
