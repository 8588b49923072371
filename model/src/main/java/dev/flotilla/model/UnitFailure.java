package dev.flotilla.model;

import java.util.List;
import java.util.Objects;

/**
 * What the engine remembers of a {@code RescheduleOnFailure=} unit that ended failed: written by the
 * engine leader, so it survives a failover, and cleared when the unit ran healthy long enough, got a
 * new text, was stopped or unloaded, or was destroyed.
 *
 * @param unit          the unit's name
 * @param hash          the text the failures are of (a new text starts afresh)
 * @param attempts      how many times it was moved after failing (never more than its RescheduleOnFailure=)
 * @param failedOn      the machines it failed on, oldest first, each once
 * @param lastFailure   the last failure in words (the machine and systemd's state)
 * @param lastFailureMillis when the engine saw the last failure (epoch milliseconds)
 * @param notBeforeMillis   the next move is not carried out before this (epoch milliseconds)
 */
public record UnitFailure(String unit, String hash, int attempts, List<String> failedOn, String lastFailure,
                          long lastFailureMillis, long notBeforeMillis) {
    public UnitFailure {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(lastFailure, "lastFailure");
        failedOn = List.copyOf(failedOn);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative: " + attempts);
        }
    }

    /** The machine it failed on last. */
    public String lastMachine() {
        return failedOn.isEmpty() ? "" : failedOn.get(failedOn.size() - 1);
    }
}
