package dev.flotilla.api.server;

import dev.flotilla.api.UnitChange;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitRequest;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitFailure;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Flotilla's own unit resource: the exact text, and one listing call for both list commands. */
final class FlotillaUnits {
    /** Up to this many named units are read one by one. */
    private static final int FEW = 16;
    private static final Comparator<UnitStateEntry> STATE_ORDER =
            Comparator.comparing(UnitStateEntry::name).thenComparing(UnitStateEntry::machineID);

    private final Registry registry;
    private final Reads reads;
    private final ListingGate wholeListings;
    private final Mirror<UnitState> states;
    private final Mirror<dev.flotilla.model.Assignment> assignments;

    FlotillaUnits(Registry registry, Reads reads, ListingGate wholeListings, Mirror<UnitState> states,
                  Mirror<dev.flotilla.model.Assignment> assignments) {
        this.registry = registry;
        this.reads = reads;
        this.wholeListings = wholeListings;
        this.states = states;
        this.assignments = assignments;
    }

    /**
     * GET /flotilla/v1/units[?unit=a.service&unit=b.service][&include=units|states]: units and
     * states, optionally only those named, optionally only one part.
     */
    void list(Exchange ex) {
        Set<String> only = new HashSet<>(ex.queryAll("unit"));
        wholeListings.run(() -> list(ex, only));
    }

    private void list(Exchange ex, Set<String> only) {
        Set<UnitListing.Part> parts = parts(ex.queryAll("include"));
        boolean withUnits = parts.contains(UnitListing.Part.UNITS);
        boolean withStates = parts.contains(UnitListing.Part.STATES);
        CompletableFuture<List<UnitRecord>> unitsRead = withUnits ? reads.start(() -> units(only)) : null;
        ClusterView.Pending viewRead = withUnits ? ClusterView.read(registry, reads, assignments, only)
                : ClusterView.readMachines(registry, reads);
        CompletableFuture<List<UnitState>> statesRead = withStates ? reads.start(() -> states(only)) : null;
        ClusterView view = viewRead.get();

        List<UnitFileEntry> entries = new ArrayList<>();
        if (withUnits) {
            for (UnitRecord u : Reads.get(unitsRead)) {
                if (only.isEmpty() || only.contains(u.name())) {
                    UnitFacts f = UnitFacts.of(u);
                    String machine = f.global() ? "" : view.machineId(u.name());
                    UnitFailure failed = view.failure(u.name());
                    entries.add(new UnitFileEntry(u.name(), u.hash(), u.desired().fleetName(), view.currentState(u, f.global()),
                            machine, view.ip(machine), f.global(), f.description(), view.waiting(u.name()),
                            failed == null ? 0 : failed.attempts(), failed == null ? "" : failed.lastFailure(),
                            ClusterView.failureTime(failed)));
                }
            }
        }
        List<UnitStateEntry> stateEntries = new ArrayList<>();
        if (withStates) {
            for (UnitState s : Reads.get(statesRead)) {
                if (only.isEmpty() || only.contains(s.unit())) {
                    stateEntries.add(new UnitStateEntry(s.unit(), s.machineId(), view.ip(s.machineId()), s.hash(),
                            s.loadState(), s.activeState(), s.subState(), s.answers(), s.restarts(), s.sinceMicros()));
                }
            }
            stateEntries.sort(STATE_ORDER);
        }
        ex.json(200, new UnitListing(entries, stateEntries));
    }

    /**
     * From the daemon's mirror when it has caught up with etcd; else every state from etcd (kept by
     * machine, so a few named units cost that too).
     */
    private List<UnitState> states(Set<String> only) {
        return states.read(only).orElseGet(() -> registry.unitStates().value());
    }

    private static Set<UnitListing.Part> parts(List<String> include) {
        if (include.isEmpty()) {
            return EnumSet.allOf(UnitListing.Part.class);
        }
        Set<UnitListing.Part> parts = EnumSet.noneOf(UnitListing.Part.class);
        for (String value : include) {
            for (String v : value.split(",")) {
                UnitListing.Part part = null;
                for (UnitListing.Part p : UnitListing.Part.values()) {
                    if (p.queryValue().equals(v.strip())) {
                        part = p;
                    }
                }
                if (part == null) {
                    throw HttpFailure.badRequest("include=" + v + ": expected units or states");
                }
                parts.add(part);
            }
        }
        return parts;
    }

    /** A few named units are read one by one: cheaper than every unit's text when polling a few. */
    private List<UnitRecord> units(Set<String> only) {
        if (only.isEmpty() || only.size() > FEW) {
            return registry.units().value();
        }
        List<UnitRecord> found = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(only)) {
            if (UnitName.isValid(name)) {
                registry.unit(name).ifPresent(u -> found.add(u.value()));
            }
        }
        return found;
    }

    void get(Exchange ex, String rawName) {
        UnitResource.get(ex, registry, reads, assignments, rawName, this::detail);
    }

    void delete(Exchange ex, String rawName) {
        UnitResource.delete(ex, registry, rawName);
    }

    /**
     * PUT: creates the unit from its text (201); an existing unit keeps its text unless the new text
     * differs and replace is asked (compare-and-set on the revision read, else 409); the desired
     * state changes when given. Everything is checked before anything is written.
     */
    void put(Exchange ex, String rawName) {
        ex.requireJson();
        UnitRequest body = ex.jsonBody(UnitRequest.class, true);
        UnitName name = UnitInput.name(rawName);
        DesiredState desired = UnitInput.desired(body.desiredState());
        UnitInput.checkTemplate(name, desired);
        UnitFile file = body.text() == null ? null : UnitInput.text(name, body.text());

        UnitWrite.Outcome outcome = UnitWrite.write(registry, new FlotillaRules(body.replaceAllowed()), name, file, desired);
        ex.json(outcome.change() == UnitWrite.Change.CREATED ? 201 : 200, change(outcome));
    }

    static UnitChange change(UnitWrite.Outcome outcome) {
        UnitRecord unit = outcome.unit();
        return new UnitChange(outcome.change().name().toLowerCase(java.util.Locale.ROOT), unit.name(), unit.hash(),
                unit.desired().fleetName(), outcome.revision());
    }

    private UnitDetail detail(UnitRecord u, ClusterView view) {
        UnitFacts f = UnitFacts.of(u);
        String machine = f.global() ? "" : view.machineId(u.name());
        UnitFailure failed = view.failure(u.name());
        return new UnitDetail(u.name(), u.text(), u.hash(), u.desired().fleetName(), view.currentState(u, f.global()),
                machine, view.ip(machine), f.global(), f.description(), view.waiting(u.name()),
                failed == null ? 0 : failed.attempts(), failed == null ? "" : failed.lastFailure(),
                ClusterView.failureTime(failed));
    }

}
