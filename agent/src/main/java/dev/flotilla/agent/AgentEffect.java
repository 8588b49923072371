package dev.flotilla.agent;

import dev.flotilla.registry.MachinePresence;

/** What {@link AgentLifecycle} asks the agent to do; {@link DefaultAgent} carries it out, in order. */
sealed interface AgentEffect {

    /** Publish unit states under this registration (it first reads what is published already). */
    record AttachPublisher(MachinePresence presence) implements AgentEffect {
    }

    /** Stop publishing: the states died with the lost lease. */
    record DetachPublisher() implements AgentEffect {
    }

    /** (Re)open the watch of this machine's assignments: a fresh listing, no pass until it is in. */
    record ListAssignments() implements AgentEffect {
    }

    /** Start following systemd's unit states, the global units and the periodic resync. */
    record FollowUnits() implements AgentEffect {
    }

    /** Make a pass soon. */
    record RequestPass() implements AgentEffect {
    }

    /** Stop registering again (the membership's retries). */
    record StopMembership() implements AgentEffect {
    }

    /** Close the registry watches and the periodic resync. */
    record CloseWatches() implements AgentEffect {
    }

    /** Stop every unit that runs or is starting, and wait for all jobs (bounded by stopTimeout). */
    record StopUnits() implements AgentEffect {
    }

    /** Reset failed units, unlink all, delete their files, reload once. */
    record UnloadUnits() implements AgentEffect {
    }

    /** Remove this machine's published unit states (bounded wait). */
    record RemoveStates() implements AgentEffect {
    }

    /** Stop the publisher's thread. */
    record ClosePublisher() implements AgentEffect {
    }

    /** Close the current registration: revokes the lease, so the cluster moves the units at once. */
    record Deregister() implements AgentEffect {
    }

    /** Stop following systemd's unit states. */
    record CloseSystemdWatch() implements AgentEffect {
    }

    /** Stop the agent thread. */
    record StopLoop() implements AgentEffect {
    }
}
