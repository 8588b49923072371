package dev.flotilla.registry;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * One candidate's part in the engine election. At most one candidate holds the leadership at a
 * time; it holds it as long as its lease lives. Writes made as leader are fenced: they fail once
 * the leadership is gone.
 */
public interface LeaderElection extends AutoCloseable {
    /** Starts campaigning in the background; the listener hears every gain and loss. */
    void start(Consumer<Leadership> listener);

    boolean isLeader();

    /** The current leader's candidate id as last seen, if any. */
    Optional<String> leader();

    /** Gives up the leadership (if held) at once and stops campaigning. */
    @Override
    void close();

    /** A change of this candidate's leadership. */
    sealed interface Leadership permits Leadership.Gained, Leadership.Lost {
        record Gained(long fencingRevision) implements Leadership {
        }

        record Lost(String reason) implements Leadership {
        }
    }
}
