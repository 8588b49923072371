package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Demand;

import java.util.Objects;

/**
 * A unit as the scheduler sees it: its name, what the user wants of it, its [X-Fleet] rules, and
 * what it reserves on the machine it runs on.
 */
public record UnitView(String name, WantedState desired, Constraints constraints, Demand demand) {

    public UnitView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(demand, "demand");
    }

    /** A unit that reserves nothing. */
    public UnitView(String name, WantedState desired, Constraints constraints) {
        this(name, desired, constraints, Demand.NONE);
    }

    /** A unit the engine must put on a machine: not global (agents run those) and not inactive. */
    public boolean wantsMachine() {
        return !constraints.global() && desired != WantedState.INACTIVE;
    }
}
