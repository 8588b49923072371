package dev.flotilla.api;

/**
 * A unit's systemd state on one machine in the listing: what {@code list-units} shows.
 *
 * @param hash      the hash of the text the agent runs (may lag behind a replaced unit's)
 * @param machineIP the machine's address, empty when the machine is no longer registered
 */
public record UnitStateEntry(String name, String machineID, String machineIP, String hash, String systemdLoadState,
                             String systemdActiveState, String systemdSubState) {
    public UnitStateEntry {
        machineIP = machineIP == null ? "" : machineIP;
    }
}
