package dev.flotilla.api;

/**
 * A unit's systemd state on one machine in the listing: what {@code list-units} shows.
 *
 * @param hash        the hash of the text the agent runs (may lag behind a replaced unit's)
 * @param machineIP   the machine's address, empty when the machine is no longer registered
 * @param answers     the start marker: the etcd revision of the desired change this state follows (the
 *                    assignment, or a global unit's record, the agent acted on); a write answered with
 *                    {@code revision} W is replied to by a state with {@code answers >= W}; 0 unknown
 * @param restarts    systemd's NRestarts of the service
 * @param sinceMicros systemd's StateChangeTimestamp, microseconds since the epoch; 0 unknown
 */
public record UnitStateEntry(String name, String machineID, String machineIP, String hash, String systemdLoadState,
                             String systemdActiveState, String systemdSubState, long answers, int restarts,
                             long sinceMicros) {
    public UnitStateEntry {
        machineIP = machineIP == null ? "" : machineIP;
    }

    /** Without the marker and the details (not known). */
    public UnitStateEntry(String name, String machineID, String machineIP, String hash, String systemdLoadState,
                          String systemdActiveState, String systemdSubState) {
        this(name, machineID, machineIP, hash, systemdLoadState, systemdActiveState, systemdSubState, 0, 0, 0);
    }
}
