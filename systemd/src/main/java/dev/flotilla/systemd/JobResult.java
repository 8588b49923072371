package dev.flotilla.systemd;

import java.util.Locale;

/**
 * How a start/stop/restart job ended: systemd's JobRemoved result words, plus {@link #NOT_LOADED}
 * for a stop or reset of a unit that systemd had already unloaded (garbage-collected), which is
 * success: the unit is as stopped as it gets.
 */
public enum JobResult {
    /** The job completed. (A start whose Condition= failed is also "done": check the unit's state.) */
    DONE,
    /** The job type did not apply to the unit's state. */
    SKIPPED,
    /** Stop of a unit that is not loaded: nothing to do. */
    NOT_LOADED,
    /** Another job replaced this one (e.g. a stop issued while the start was pending). */
    CANCELED,
    TIMEOUT,
    FAILED,
    /** A required dependency failed. */
    DEPENDENCY,
    /** Any other result word systemd may add (invalid, assert, unsupported, collected, once, frozen, ...). */
    OTHER;

    /** DONE, SKIPPED and NOT_LOADED: the job left the unit where it was asked to go, or it was already there. */
    public boolean isSuccess() {
        return this == DONE || this == SKIPPED || this == NOT_LOADED;
    }

    /** Maps a JobRemoved result word. */
    public static JobResult fromSystemd(String result) {
        if (result == null) {
            return OTHER;
        }
        return switch (result.toLowerCase(Locale.ROOT)) {
            case "done" -> DONE;
            case "skipped" -> SKIPPED;
            case "canceled" -> CANCELED;
            case "timeout" -> TIMEOUT;
            case "failed" -> FAILED;
            case "dependency" -> DEPENDENCY;
            default -> OTHER;
        };
    }
}
