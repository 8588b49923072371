package dev.flotilla.api;

/**
 * A unit in the listing: what {@code list-unit-files} shows, without the text.
 *
 * @param machineID   the machine it is scheduled to, empty when none
 * @param machineIP   that machine's address, empty when unknown
 * @param description the last {@code Description=} of {@code [Unit]}, empty when none
 * @param waiting     why the engine could not place it, empty when it is not waiting
 */
public record UnitFileEntry(String name, String hash, String desiredState, String currentState, String machineID,
                            String machineIP, boolean global, String description, String waiting) {
    public UnitFileEntry {
        machineID = machineID == null ? "" : machineID;
        machineIP = machineIP == null ? "" : machineIP;
        description = description == null ? "" : description;
        waiting = waiting == null ? "" : waiting;
    }
}
