package dev.flotilla.registry;

import dev.flotilla.model.UnitState;

import java.util.List;
import java.util.function.Consumer;

/** The states agents publish of their units, attached to their machine's lease. */
public interface UnitStates {

    Versioned<List<UnitState>> unitStates();

    /** The states one machine published. */
    Versioned<List<UnitState>> unitStates(String machineId);

    void publishState(MachinePresence presence, UnitState state);

    void removeState(MachinePresence presence, String unit);

    /** Publishes many states in few transactions (at most 100 writes each). */
    void publishStates(MachinePresence presence, List<UnitState> states);

    /** Removes many of this machine's states in few transactions. */
    void removeStates(MachinePresence presence, List<String> units);

    /** Unit states of all machines (keys "machine/unit"). */
    Subscription watchStates(Consumer<WatchEvent<UnitState>> listener);
}
