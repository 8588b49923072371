package dev.flotilla.engine;

import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;

/**
 * Where a pass finds a unit's facts. The leader's view keeps the facts of its units and drops their
 * texts ({@link WatchedCluster}): 100,000 texts were most of its heap, and only their facts are
 * read. Everything else reads them from the text ({@link #FROM_TEXT}).
 */
@FunctionalInterface
interface UnitFactsLookup {
    UnitFactsLookup FROM_TEXT = UnitFacts::of;

    UnitFacts of(UnitRecord unit);
}
