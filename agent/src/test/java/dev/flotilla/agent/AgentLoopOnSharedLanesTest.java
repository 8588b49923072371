package dev.flotilla.agent;

import dev.flotilla.registry.Lanes;

/**
 * Every test of {@link AgentLoopTest} with the agents' lanes (loop, publisher, presence, metadata)
 * over a shared pool of two threads, as the benchmark runs thousands of agents, instead of a thread
 * each: the lifecycle, the re-registrations (the presence's lane waits for the loop's) and the clean
 * shutdown behave the same.
 */
class AgentLoopOnSharedLanesTest extends AgentLoopTest {
    @Override
    Lanes lanes() {
        return Lanes.shared(2);
    }
}
