package dev.flotilla.engine.scheduler;

import java.util.List;
import java.util.function.Predicate;

/**
 * Which machine a unit goes to among those that pass its filters: the least (dominant share after
 * placing, load, id). {@link LoadIndex} is the one the scheduler uses; tests hold it against a plain
 * scan of every machine by the same rule.
 */
interface Ranking {

    /** A machine of the pass, its global units already weighed ({@link Node#reserve}). */
    void add(Node node);

    /** A machine that left the cluster (its units were taken off it first, or are dropped with it). */
    void remove(Node node);

    /** Puts the job on the node ({@code sign} +1) or takes it off (-1). */
    void adjust(Node node, Job job, int sign);

    /** Rules used by two units or more may get their own machine sets (only quicker to search). */
    void indexSharedRules(List<Job> byName);

    /** A rule that may get its own machine set; only quicker to search. */
    void indexRule(MetadataRule rule);

    /** The machine that passes and ranks least for the job, its carried followers included; null if none passes. */
    Node best(Job job, Predicate<Node> passes);
}
