package dev.flotilla.agent;

import dev.flotilla.registry.MachinePresence;

/**
 * Where the agent is in its life; {@link AgentLifecycle} moves it from one mode to the next. Passes
 * (plan and execute) run only in {@link Running}: anywhere else a pass could stop what the agent has
 * not heard of yet, or touch units while the cluster may be moving them.
 */
sealed interface AgentMode {

    /** Built, not started (or a start failed: it may be tried again). */
    record Idle() implements AgentMode {
    }

    /** {@code start()} is registering the machine for the first time, on its caller's thread. */
    record Registering() implements AgentMode {
    }

    /** Registered, the watches open, waiting for the first listing of the assignments or of the global units. */
    record Listing(MachinePresence presence, Listed listed) implements AgentMode {
    }

    /** Registered and both listings in: every change makes a pass. */
    record Running(MachinePresence presence) implements AgentMode {
    }

    /** The lease is lost: units keep running untouched, nothing is published, the membership registers again. */
    record Suspended(MachinePresence lost, Listed listed) implements AgentMode {
    }

    /** Clean shutdown under way: units are being stopped; events are ignored. */
    record Closing() implements AgentMode {
    }

    /** Closed or halted: the agent's threads are gone. */
    record Closed() implements AgentMode {
    }

    /** Which of the two listings a pass needs have come in. */
    record Listed(boolean assignments, boolean globals) {
        static final Listed NONE = new Listed(false, false);

        boolean all() {
            return assignments && globals;
        }
    }

    /** Whether a pass may run now. */
    default boolean passes() {
        return this instanceof Running;
    }

    /** Whether the agent is shutting down or gone: every event is then ignored. */
    default boolean ending() {
        return this instanceof Closing || this instanceof Closed;
    }
}
