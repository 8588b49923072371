package dev.flotilla.agent;

import dev.flotilla.systemd.UnitStatus;

import java.util.Map;
import java.util.Set;

/**
 * What this machine has now, as the planner sees it.
 *
 * @param installed unit name to the hash of its file in the unit folder
 * @param linked    units the agent linked since it started (relinking is harmless, so an empty set after
 *                  a restart only costs one idempotent call)
 * @param enabled   units the agent enabled since it started
 * @param launched  unit name to the hash the agent started (or found running) it at
 * @param pending   jobs sent and not ended
 * @param statuses  systemd's states; a missing name reads as not-found/inactive/dead
 */
record LocalState(Map<String, String> installed, Set<String> linked, Set<String> enabled, Map<String, String> launched,
                  Map<String, JobKind> pending, Map<String, UnitStatus> statuses) {

    static final LocalState EMPTY = new LocalState(Map.of(), Set.of(), Set.of(), Map.of(), Map.of(), Map.of());

    LocalState {
        installed = Map.copyOf(installed);
        linked = Set.copyOf(linked);
        enabled = Set.copyOf(enabled);
        launched = Map.copyOf(launched);
        pending = Map.copyOf(pending);
        statuses = Map.copyOf(statuses);
    }

    UnitStatus status(String name) {
        UnitStatus s = statuses.get(name);
        return s == null ? UnitStatus.notFound(name) : s;
    }

    /** active, activating or reloading: a process runs or is about to. */
    static boolean isUp(UnitStatus s) {
        String a = s.activeState();
        return "active".equals(a) || "activating".equals(a) || "reloading".equals(a);
    }

    static boolean isDeactivating(UnitStatus s) {
        return "deactivating".equals(s.activeState());
    }
}
