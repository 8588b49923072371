package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.registry.MachinePresence;

/** What happens to the agent, as {@link AgentLifecycle} sees it. */
sealed interface AgentEvent {

    /** {@code start()} was called. */
    record StartRequested() implements AgentEvent {
    }

    /** The first registration failed ({@code start()} throws). */
    record RegistrationFailed() implements AgentEvent {
    }

    /** The first registration holds (the membership's current one, by the time the agent thread handles it). */
    record FirstRegistered(MachinePresence presence) implements AgentEvent {
    }

    /** The current watch of this machine's assignments delivered its listing. */
    record AssignmentsListed() implements AgentEvent {
    }

    /** The watch of the global units delivered its listing. */
    record GlobalsListed() implements AgentEvent {
    }

    /** The state of a registration changed (LOST is final for that presence object). */
    record PresenceChanged(MachinePresence presence, ConnectionState state) implements AgentEvent {
    }

    /** The membership registered again after a lost lease; {@code resumed}: it holds the same living lease. */
    record LeaseGained(MachinePresence presence, boolean resumed) implements AgentEvent {
    }

    /** {@code close()}: clean shutdown. */
    record CloseRequested() implements AgentEvent {
    }

    /** The stops of a clean shutdown ended (or their bounded wait ran out). */
    record UnitsStopped() implements AgentEvent {
    }

    /** A crash, as tests simulate it: stop the threads, leave units and registration alone. */
    record HaltRequested() implements AgentEvent {
    }
}
