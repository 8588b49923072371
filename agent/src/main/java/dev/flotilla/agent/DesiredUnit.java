package dev.flotilla.agent;

import java.util.Objects;

/**
 * A unit this machine should have.
 *
 * @param enable whether its [Install] section should be enabled (under /run)
 */
record DesiredUnit(String name, String text, String hash, Goal goal, boolean enable) {
    DesiredUnit {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(goal, "goal");
    }

    @Override
    public String toString() {
        return "DesiredUnit[" + name + ", " + hash + ", " + goal + (enable ? ", enable" : "") + "]";
    }
}
