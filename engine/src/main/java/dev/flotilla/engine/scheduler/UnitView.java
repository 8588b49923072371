package dev.flotilla.engine.scheduler;

import java.util.Objects;

/** A unit as the scheduler sees it: its name, what the user wants of it, and its [X-Fleet] rules. */
public record UnitView(String name, WantedState desired, Constraints constraints) {

    public UnitView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(constraints, "constraints");
    }

    /** A unit the engine must put on a machine: not global (agents run those) and not inactive. */
    public boolean wantsMachine() {
        return !constraints.global() && desired != WantedState.INACTIVE;
    }
}
