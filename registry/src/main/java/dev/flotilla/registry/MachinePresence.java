package dev.flotilla.registry;

import java.util.function.Consumer;

/**
 * This machine's registration, kept alive on an etcd lease. Everything the machine owns in
 * etcd (its presence, its unit states) is attached to the lease and dies with it.
 */
public interface MachinePresence extends AutoCloseable {
    Machine machine();

    long leaseId();

    ConnectionState state();

    /** Called on every change of state, from a registry thread. */
    void onStateChange(Consumer<ConnectionState> listener);

    /** Updates the announced machine (e.g. metadata reloaded), keeping the same lease. */
    void update(Machine machine);

    /** Deregisters at once: revokes the lease so the machine leaves the cluster now. */
    @Override
    void close();
}
