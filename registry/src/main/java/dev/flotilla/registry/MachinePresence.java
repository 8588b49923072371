package dev.flotilla.registry;

import dev.flotilla.model.Machine;

import java.util.function.Consumer;

/**
 * This machine's registration, kept alive on an etcd lease. Everything the machine owns in
 * etcd (its presence, its unit states) is attached to the lease and dies with it.
 */
public interface MachinePresence extends AutoCloseable {
    Machine machine();

    long leaseId();

    /**
     * True if this registration took over the same daemon's still-living lease (a restart, or etcd
     * back after an outage): the cluster never saw the machine leave, so its units stayed here.
     * False for a fresh lease: if the machine was registered before, the cluster has since treated
     * it as gone and moved its units, so local copies of them are stale.
     */
    boolean resumed();

    ConnectionState state();

    /** Called on every change of state, from a registry thread. */
    void onStateChange(Consumer<ConnectionState> listener);

    /** Updates the announced machine (e.g. metadata reloaded), keeping the same lease. */
    void update(Machine machine);

    /** Deregisters at once: revokes the lease so the machine leaves the cluster now. */
    @Override
    void close();
}
