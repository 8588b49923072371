package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;

/**
 * fleet v1's {@code currentState} of a non-global unit: what the unit's machine has done, as fleet
 * reported it (not what the engine asked), because fleetctl's blocking commands read it so.
 *
 * <ul>
 *   <li>{@code inactive}: not assigned, or its machine publishes no state for it yet (fleet: no
 *       unit state from the target). Blocking {@code fleetctl start} reads
 *       {@code /fleet/v1/state/{name}} as soon as it sees {@code launched}; a state must exist then.</li>
 *   <li>{@code loaded}: the machine has the unit's file but it is not launched, or it still has an
 *       older text of the unit (the new one is not installed yet).</li>
 *   <li>{@code launched}: assigned launched and installed; or still running while the agent has not
 *       yet stopped it (fleet's heartbeat outlived the stop request until the agent acted).</li>
 * </ul>
 */
final class FleetCurrentState {
    private FleetCurrentState() {
    }

    /** @param a the unit's assignment or null; @param s the state its machine publishes for it, or null */
    static String of(Assignment a, UnitState s) {
        if (a == null || s == null) {
            return DesiredState.INACTIVE.fleetName();
        }
        if (!a.hash().equals(s.hash())) {
            return DesiredState.LOADED.fleetName();
        }
        if (a.desired() == DesiredState.LAUNCHED || running(s.activeState())) {
            return DesiredState.LAUNCHED.fleetName();
        }
        return DesiredState.LOADED.fleetName();
    }

    private static boolean running(String activeState) {
        return switch (activeState) {
            case "active", "activating", "reloading", "deactivating" -> true;
            default -> false;
        };
    }
}
