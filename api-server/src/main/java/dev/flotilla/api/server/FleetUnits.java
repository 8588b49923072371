package dev.flotilla.api.server;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitPage;
import dev.flotilla.api.UnitStatePage;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.registry.Page;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;
import dev.flotilla.unitfile.UnitOption;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** fleet v1's units and state resources. */
final class FleetUnits {
    /** fleet's page size (its token limit). */
    static final int PAGE_SIZE = 100;

    private final Registry registry;
    private final Reads reads;
    private final ListingGate listings;
    private final Mirror<Assignment> assignments;

    FleetUnits(Registry registry, Reads reads, ListingGate listings, Mirror<Assignment> assignments) {
        this.registry = registry;
        this.reads = reads;
        this.listings = listings;
        this.assignments = assignments;
    }

    /**
     * GET /fleet/v1/units, paged as fleet's: a page reads its own units and their states (point
     * reads), and where each runs from the daemon's mirror of assignments; when the mirror cannot
     * answer, every assignment from etcd (they are kept by machine), so pages are built one at a
     * time per daemon, as whole listings are.
     */
    void list(Exchange ex) {
        String after = PageToken.decode(ex.query("nextPageToken"));
        listings.run(() -> {
            Page<UnitRecord> page = registry.unitsAfter(after, PAGE_SIZE);
            java.util.Set<String> names = new java.util.HashSet<>();
            page.items().forEach(u -> names.add(u.name()));
            ClusterView view = ClusterView.ofAssignments(names.isEmpty() ? List.of()
                    : ClusterView.assignments(registry, assignments, names));
            Map<String, String> machineByUnit = new LinkedHashMap<>();
            for (UnitRecord u : page.items()) {
                String machine = view.machineId(u.name());
                if (!machine.isEmpty()) {
                    machineByUnit.put(u.name(), machine);
                }
            }
            Map<String, UnitState> states = new HashMap<>();
            for (UnitState st : registry.unitStatesAt(machineByUnit)) {
                states.put(st.unit(), st);
            }
            List<Unit> units = new ArrayList<>(page.items().size());
            for (UnitRecord u : page.items()) {
                units.add(fleetUnit(u, view, states.get(u.name())));
            }
            ex.json(200, new UnitPage(units, page.more() ? PageToken.after(page.next()) : null));
        });
    }

    void get(Exchange ex, String rawName) {
        UnitResource.get(ex, registry, reads, assignments, rawName, (u, view) -> {
            String machine = view.machineId(u.name());
            UnitState state = machine.isEmpty() ? null : registry.unitStatesAt(Map.of(u.name(), machine)).stream().findFirst().orElse(null);
            return fleetUnit(u, view, state);
        });
    }

    void delete(Exchange ex, String rawName) {
        UnitResource.delete(ex, registry, rawName);
    }

    /**
     * fleet's PUT: creates a unit from its options (201), creates anew one whose options differ
     * (201, desired state as given, else inactive), or sets the desired state of an existing one (204).
     */
    void put(Exchange ex, String rawName) {
        ex.requireJson();
        Unit body = ex.jsonBody(Unit.class, false);
        String bodyName = body.name() == null || body.name().isEmpty() ? rawName : body.name();
        if (!bodyName.equals(rawName)) {
            throw HttpFailure.badRequest("name in URL \"" + rawName + "\" differs from unit name in request body \""
                    + bodyName + "\"");
        }
        UnitName name = UnitInput.name(rawName);
        DesiredState desired = UnitInput.desired(body.desiredState());
        UnitInput.checkTemplate(name, desired);
        UnitFile file = body.options().isEmpty() ? null : UnitInput.options(name, body.options());

        UnitWrite.Outcome outcome = UnitWrite.write(registry, RULES, name, file, desired);
        ex.noContent(outcome.change() == UnitWrite.Change.CREATED || outcome.change() == UnitWrite.Change.REPLACED ? 201 : 204);
    }

    /**
     * fleet's answers: a differing unit is always replaced, an existing one needs a desired state.
     * A replaced unit is created anew, as fleet did: without a desired state it is inactive, so it
     * is unscheduled and stopped; {@code fleetctl start --replace} waits for exactly that before
     * it sets {@code launched}.
     */
    private static final UnitWrite.Rules RULES = new UnitWrite.Rules() {
        @Override
        public HttpFailure absentWithoutText(UnitName name) {
            return HttpFailure.conflict("unit does not exist and options field empty");
        }

        @Override
        public boolean differs(UnitRecord current, UnitFile file) {
            return !sameOptions(current, file);
        }

        @Override
        public HttpFailure refuseReplace(UnitName name, UnitRecord current, UnitFile file) {
            return null;
        }

        @Override
        public HttpFailure lostReplace(UnitName name) {
            return null;
        }

        @Override
        public HttpFailure nothingAsked(UnitName name) {
            return HttpFailure.conflict("must provide desiredState to update existing unit");
        }

        @Override
        public DesiredState desiredAfterReplace(UnitRecord current, DesiredState given) {
            return given == null ? DesiredState.INACTIVE : given;
        }
    };

    /** fleet compared options, not text: a unit submitted with comments is the same unit. */
    private static boolean sameOptions(UnitRecord current, UnitFile file) {
        try {
            List<UnitOption> a = UnitFile.parse(current.name(), current.text()).options();
            List<UnitOption> b = file.options();
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).withoutLine().equals(b.get(i).withoutLine())) {
                    return false;
                }
            }
            return true;
        } catch (UnitFileException e) {
            return false;
        }
    }

    /**
     * GET /fleet/v1/state?machineID=&unitName=, paged like fleet's, in the registry's order
     * (machine, then unit): a page is one range read from the token on, so paging through 100,000
     * states costs each page its own 100, not the whole listing again. With unitName, the unit's
     * state is read on each machine (point reads), never every state.
     */
    void states(Exchange ex) {
        String after = PageToken.decode(ex.query("nextPageToken"));
        String machineId = ex.query("machineID");
        String unitName = ex.query("unitName");
        List<UnitState> states;
        String next;
        if (unitName.isEmpty()) {
            Page<UnitState> page = registry.unitStatesAfter(machineId, after, PAGE_SIZE);
            states = page.items();
            next = page.more() ? PageToken.after(page.next()) : null;
        } else {
            List<String> machines = machineId.isEmpty()
                    ? registry.machines().value().stream().map(dev.flotilla.model.Machine::id).sorted().toList()
                    : List.of(machineId);
            List<UnitState> matching = new ArrayList<>();
            for (UnitState s : registry.unitStateOn(unitName, machines)) {
                if (after.isEmpty() || key(s).compareTo(after) > 0) {
                    matching.add(s);
                }
            }
            states = matching.subList(0, Math.min(matching.size(), PAGE_SIZE));
            next = states.size() < matching.size() ? PageToken.after(key(states.get(states.size() - 1))) : null;
        }
        List<dev.flotilla.api.UnitStateEntity> page = new ArrayList<>(states.size());
        for (UnitState s : states) {
            page.add(ClusterView.fleetState(s));
        }
        ex.json(200, new UnitStatePage(page, next));
    }

    /**
     * GET /fleet/v1/state/{unitName}: one state of the unit, 404 when no machine reports one. The
     * state of the machine the unit is assigned to comes first (a moved unit's old machine may still
     * report it for a moment); otherwise, as fleet, the first by machine id (a global unit).
     */
    void state(Exchange ex, String rawName) {
        UnitName name = UnitInput.name(rawName);
        List<String> machines = registry.machines().value().stream().map(dev.flotilla.model.Machine::id).sorted().toList();
        List<UnitState> found = registry.unitStateOn(name.value(), machines);
        if (found.isEmpty()) {
            throw HttpFailure.notFound("unit state does not exist");
        }
        UnitState chosen = found.get(0);
        if (found.size() > 1) {
            // Moving, or global: the assignment says which (every assignment: they are kept by machine).
            String assigned = listings.call(() -> {
                for (Assignment a : registry.assignments().value()) {
                    if (a.unit().equals(name.value())) {
                        return a.machineId();
                    }
                }
                return "";
            });
            for (UnitState s : found) {
                if (s.machineId().equals(assigned)) {
                    chosen = s;
                }
            }
        }
        ex.json(200, ClusterView.fleetState(chosen));
    }

    /** States are listed in the registry's order: machine, then unit. */
    private static String key(UnitState s) {
        return s.machineId() + "/" + s.unit();
    }

    /** @param state the state the unit's machine publishes for it, or null */
    private Unit fleetUnit(UnitRecord u, ClusterView view, UnitState state) {
        List<Unit.Option> options = new ArrayList<>();
        try {
            for (UnitOption o : UnitFile.parse(u.name(), u.text()).options()) {
                options.add(new Unit.Option(o.section(), o.name(), o.value()));
            }
        } catch (UnitFileException e) {
            // Not expected (only valid units are stored); show the unit without options.
        }
        boolean global = UnitFacts.of(u).global();
        // A global unit has no assignment (every matching agent follows it): fleetctl reads its desired state.
        String current = global ? u.desired().fleetName() : FleetCurrentState.of(view.assignment(u.name()), state);
        return new Unit(u.name(), options, u.desired().fleetName(), current, global ? "" : view.machineId(u.name()));
    }
}
