package dev.flotilla.agent;

import dev.flotilla.registry.ConnectionState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.systemd.Systemd;

import java.util.Map;
import java.util.function.Consumer;

/**
 * This machine's part of the cluster: keeps its registration alive on a lease, and makes its
 * systemd run what the cluster assigned to it (plus the global units that match it), reporting
 * each unit's state back when it changes.
 *
 * <p>Lifecycle: {@link #start()} registers (and fails if the machine id is taken), then follows the
 * assignments. A lost lease does not stop any unit (etcd may only be restarting); the agent registers
 * again every second. If the lease was resumed, nothing changes; if it is new, the cluster may have moved
 * this machine's units meanwhile, so the agent lists its assignments anew: units moved away are stopped
 * and unloaded, units still assigned here keep running. {@link #close()} (clean shutdown) stops and unloads all its units, removes
 * their states and deregisters, so the cluster moves them at once.
 */
public interface Agent extends AutoCloseable {

    /** An agent that runs units through this systemd. */
    static Agent create(AgentConfig config, Registry registry, Systemd systemd) {
        return new DefaultAgent(config, registry, java.util.Objects.requireNonNull(systemd, "systemd"));
    }

    /**
     * An agent without systemd: it only keeps the machine registered (for daemons tested without
     * systemd). Units assigned to it are not run.
     */
    static Agent presenceOnly(AgentConfig config, Registry registry) {
        return new DefaultAgent(config, registry, null);
    }

    /**
     * Registers this machine (its configured metadata with the API's overrides of it, read first) and
     * starts following its assignments and those overrides. Returns once the machine is
     * registered, so the caller may then campaign for the engine.
     *
     * @throws dev.flotilla.registry.MachineIdConflictException if another live daemon holds this machine id
     * @throws dev.flotilla.registry.RegistryException          if etcd can't be reached
     * @throws IllegalStateException                            if the unit folder can't be used
     */
    void start();

    /** This machine as it is announced now: the configured metadata with the API's overrides laid over it. */
    Machine machine();

    /**
     * The configured metadata changed (e.g. flotd's config file reloaded): announces it, with the
     * API's overrides laid over it, keeping the lease; the global units are matched against it from now
     * on, and a later registration uses it. What cannot be announced now (not registered, etcd away) is
     * tried again every second until it is.
     *
     * @return whether the announced metadata changed now
     */
    boolean updateMetadata(Map<String, String> configured);

    /** The current registration's state; LOST while the machine is not registered. */
    ConnectionState presenceState();

    /** Hears every change of {@link #presenceState()} (CONNECTED again after registering anew). */
    void onPresenceChange(Consumer<ConnectionState> listener);

    /** Clean shutdown: stops and unloads the agent's units (bounded wait), removes their states, deregisters. */
    @Override
    void close();
}
