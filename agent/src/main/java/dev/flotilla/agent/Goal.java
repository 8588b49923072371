package dev.flotilla.agent;

/** How far the agent takes a unit it has on this machine. */
enum Goal {
    /** Started by the agent, once per text: a unit that exits or fails is not started again (systemd's Restart= is the unit's own business). */
    LAUNCHED,
    /** Installed and linked, not started; stopped if the agent had started it. A unit pulled in by another (WantedBy=) may run. */
    LOADED,
    /** Installed; systemd starts it: a template's instances, or a service its socket activates. */
    ACTIVATED,
    /** Installed but must not run here: it conflicts with a unit that runs here. Stopped if running. */
    BLOCKED
}
