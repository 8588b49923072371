package dev.flotilla.agent;

import java.util.List;
import java.util.Objects;

/**
 * One step of a {@link Plan}. Calls that systemd takes for many units at once (link, unlink,
 * enable, disable) carry every name of the pass, so a pass makes each of those calls once.
 */
sealed interface Action {

    /** Stops the unit (a pipelined job); the agent no longer counts it as launched. */
    record Stop(String name) implements Action {
        public Stop {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Clears a failed unit, so systemd can forget it once its file is gone. */
    record ResetFailed(String name) implements Action {
        public ResetFailed {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Removes the runtime links (and .wants links) of these units. */
    record Unlink(List<String> names) implements Action {
        public Unlink {
            names = List.copyOf(names);
        }
    }

    /** Deletes the unit file from the unit folder. */
    record Remove(String name) implements Action {
        public Remove {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Removes the [Install] links of these units, keeping them linked. */
    record Disable(List<String> names) implements Action {
        public Disable {
            names = List.copyOf(names);
        }
    }

    /** Writes the unit file (atomically) with this text. */
    record Write(String name, String text, String hash) implements Action {
        public Write {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(hash, "hash");
        }

        @Override
        public String toString() {
            return "Write[" + name + ", " + hash + "]";
        }
    }

    /** Links these unit files into systemd's runtime folder. */
    record Link(List<String> names) implements Action {
        public Link {
            names = List.copyOf(names);
        }
    }

    /** Enables these units under /run (their [Install] WantedBy= and friends). */
    record Enable(List<String> names) implements Action {
        public Enable {
            names = List.copyOf(names);
        }
    }

    /** One daemon-reload for the whole pass. */
    record Reload() implements Action {
    }

    /** The unit is no longer counted as launched by the agent (no systemd call). */
    record Forget(String name) implements Action {
        public Forget {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A unit found running at this hash counts as launched by the agent (no systemd call). */
    record MarkLaunched(String name, String hash) implements Action {
        public MarkLaunched {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(hash, "hash");
        }
    }

    /** Starts the unit (a pipelined job) and counts it as launched at this hash. */
    record Start(String name, String hash) implements Action {
        public Start {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(hash, "hash");
        }
    }
}
