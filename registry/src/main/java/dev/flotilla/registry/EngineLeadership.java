package dev.flotilla.registry;

import java.time.Duration;
import java.util.Optional;

/** The engine election: whose engine schedules, and the fencing revision it writes with. */
public interface EngineLeadership {

    /** A candidate for the engine leadership. */
    LeaderElection leaderElection(String candidateId, Duration ttl);

    /** The active engine's machine id, if one is elected. */
    Optional<String> engineLeader();
}
