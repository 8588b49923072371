package dev.flotilla.registry;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The units, their desired states and the index of global units: what the API writes. */
public interface Units {

    /** All units, sorted by name. */
    Versioned<List<UnitRecord>> units();

    /**
     * Units sorted by name whose names sort after {@code after} ("" for the first page), at most
     * {@code limit} (1 to {@link Page#MAX_ITEMS}): one page of a paged listing.
     */
    Page<UnitRecord> unitsAfter(String after, int limit);

    /** One unit with its modification revision, for compare-and-set. */
    Optional<Versioned<UnitRecord>> unit(String name);

    /**
     * The units of these names that exist, by name: point reads of each, in transactions of at most
     * {@link UnitStates#POINT_READS_PER_TXN} gets sent together, so a reader of a few units pays
     * neither a round trip per unit nor a listing of every unit.
     */
    Map<String, UnitRecord> namedUnits(java.util.Collection<String> names);

    /** Creates the unit if no unit of that name exists; false if one does. */
    boolean createUnit(UnitRecord unit);

    /** Replaces the unit if it is still at expectedRevision; false if it changed or vanished. */
    boolean replaceUnit(UnitRecord unit, long expectedRevision);

    /** Sets the desired state of an existing unit; false if there is no such unit. */
    boolean setDesiredState(String name, DesiredState desired);

    /**
     * Creates every unit whose name is free, in few transactions (at most 100 operations each,
     * the globals index entries included). A unit whose name exists is left untouched.
     *
     * @return per name, in the order given: true if created, false if a unit of that name existed
     * @throws IllegalArgumentException if a name is given twice (nothing is written)
     */
    Map<String, Boolean> createUnits(List<UnitRecord> units);

    /**
     * Sets the desired state of many units in few transactions, each unit compare-and-set like
     * {@link #setDesiredState}, so a concurrent replace of a text is never overwritten.
     *
     * @return per name, in the map's iteration order: false if there is no such unit
     */
    Map<String, Boolean> setDesiredStates(Map<String, DesiredState> desired);

    /** Deletes the unit; false if there was none. */
    boolean deleteUnit(String name);

    /** The units whose [X-Fleet] says Global=true, sorted by name: what every agent follows. */
    Versioned<List<UnitRecord>> globalUnits();

    /** Units as they change (keys are unit names): list, then watch; a new Snapshot after any gap. */
    Subscription watchUnits(Consumer<WatchEvent<UnitRecord>> listener);

    /** Global units (keys are unit names). */
    Subscription watchGlobalUnits(Consumer<WatchEvent<UnitRecord>> listener);
}
