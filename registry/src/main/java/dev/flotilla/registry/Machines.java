package dev.flotilla.registry;

import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The machines: their registrations on a lease, and the metadata overrides that outlast them. */
public interface Machines {

    /** All registered machines, sorted by id. */
    Versioned<List<Machine>> machines();

    /**
     * Registers this machine on a lease of the given TTL.
     *
     * @param session a token that stays the same across restarts of the same daemon (kept in its
     *                state directory): a restarted daemon adopts its own still-living registration
     *                instead of being refused as a duplicate.
     * @param conflictWait how long to wait for a conflicting registration to expire before refusing
     * @throws MachineIdConflictException if another live daemon holds this machine id
     */
    MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait);

    /**
     * Writes metadata overrides (fleet's PATCH of machines) in one transaction per 100. They are
     * kept apart from the machine's registration, so they outlast it; the machine's daemon lays
     * them over its configured metadata ({@link Machine#merge}) and announces the result.
     */
    void overrideMetadata(List<MetadataOverride> overrides);

    /** One machine's metadata overrides: key to value, "" = removed. */
    Versioned<Map<String, String>> metadataOverrides(String machineId);

    /** One machine's metadata overrides as they change (keys are metadata keys, values as above). */
    Subscription watchMetadataOverrides(String machineId, Consumer<WatchEvent<String>> listener);

    /** Registered machines as they come and go (keys are machine ids). */
    Subscription watchMachines(Consumer<WatchEvent<Machine>> listener);
}
