package dev.flotilla.api;

/**
 * A unit in the listing: what {@code list-unit-files} shows, without the text.
 *
 * @param machineID   the machine it is scheduled to, empty when none
 * @param machineIP   that machine's address, empty when unknown
 * @param description the last {@code Description=} of {@code [Unit]}, empty when none
 * @param waiting     why the engine could not place it, empty when it is not waiting
 * @param rescheduleAttempts how often RescheduleOnFailure= moved it since it last ran healthy (0: never)
 * @param lastFailure the last failure the engine saw (machine and state), empty when none is remembered
 * @param lastFailureAt when, ISO-8601 UTC, empty when none
 */
public record UnitFileEntry(String name, String hash, String desiredState, String currentState, String machineID,
                            String machineIP, boolean global, String description, String waiting,
                            int rescheduleAttempts, String lastFailure, String lastFailureAt) {
    public UnitFileEntry {
        machineID = machineID == null ? "" : machineID;
        machineIP = machineIP == null ? "" : machineIP;
        description = description == null ? "" : description;
        waiting = waiting == null ? "" : waiting;
        lastFailure = lastFailure == null ? "" : lastFailure;
        lastFailureAt = lastFailureAt == null ? "" : lastFailureAt;
    }

    /** An entry without a remembered failure. */
    public UnitFileEntry(String name, String hash, String desiredState, String currentState, String machineID,
                         String machineIP, boolean global, String description, String waiting) {
        this(name, hash, desiredState, currentState, machineID, machineIP, global, description, waiting, 0, "", "");
    }
}
