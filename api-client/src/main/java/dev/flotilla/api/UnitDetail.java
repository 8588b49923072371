package dev.flotilla.api;

import dev.flotilla.json.JsonOmit;

/**
 * One unit as Flotilla keeps it: the exact text submitted, with what the cluster made of it.
 *
 * @param hash         SHA-1 of the text's UTF-8 bytes (40 hex digits)
 * @param currentState {@code inactive} when not scheduled, else its assignment's desired state;
 *                     a global unit reports its desired state (every matching agent follows it)
 * @param machineID    the machine it is scheduled to; empty when none (always for global units)
 * @param machineIP    that machine's address, when it is registered
 * @param waiting      why the engine could not place it, empty when it is not waiting
 * @param rescheduleAttempts how often RescheduleOnFailure= moved it since it last ran healthy (0: never)
 * @param lastFailure  the last failure the engine saw (machine and state), empty when none is remembered
 * @param lastFailureAt when, ISO-8601 UTC, empty when none
 */
@JsonOmit(JsonOmit.When.NULL)
public record UnitDetail(String name, String text, String hash, String desiredState, String currentState,
                         String machineID, String machineIP, boolean global, String description, String waiting,
                         int rescheduleAttempts, String lastFailure, String lastFailureAt) {
    public UnitDetail {
        machineID = machineID == null ? "" : machineID;
        machineIP = machineIP == null ? "" : machineIP;
        description = description == null ? "" : description;
        waiting = waiting == null ? "" : waiting;
        lastFailure = lastFailure == null ? "" : lastFailure;
        lastFailureAt = lastFailureAt == null ? "" : lastFailureAt;
    }

    /** A unit without a remembered failure. */
    public UnitDetail(String name, String text, String hash, String desiredState, String currentState,
                      String machineID, String machineIP, boolean global, String description, String waiting) {
        this(name, text, hash, desiredState, currentState, machineID, machineIP, global, description, waiting, 0, "", "");
    }
}
