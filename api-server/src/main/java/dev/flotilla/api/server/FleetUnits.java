package dev.flotilla.api.server;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitPage;
import dev.flotilla.api.UnitStatePage;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;
import dev.flotilla.unitfile.UnitOption;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** fleet v1's units and state resources. */
final class FleetUnits {
    /** fleet's page size (its token limit). */
    static final int PAGE_SIZE = 100;

    private final Registry registry;
    private final Reads reads;

    FleetUnits(Registry registry, Reads reads) {
        this.registry = registry;
        this.reads = reads;
    }

    void list(Exchange ex) {
        String after = PageToken.decode(ex.query("nextPageToken"));
        ClusterView.Pending viewRead = ClusterView.read(registry, reads, false);
        java.util.concurrent.CompletableFuture<List<UnitState>> statesRead = reads.start(() -> registry.unitStates().value());
        List<UnitRecord> all = registry.units().value();
        int from = 0;
        while (from < all.size() && all.get(from).name().compareTo(after) <= 0 && !after.isEmpty()) {
            from++;
        }
        int to = Math.min(all.size(), from + PAGE_SIZE);
        ClusterView view = viewRead.get();
        Map<String, UnitState> states = new HashMap<>();
        for (UnitState st : Reads.get(statesRead)) {
            states.put(st.machineId() + "/" + st.unit(), st);
        }
        List<Unit> units = new ArrayList<>(to - from);
        for (UnitRecord u : all.subList(from, to)) {
            units.add(fleetUnit(u, view, states.get(view.machineId(u.name()) + "/" + u.name())));
        }
        String next = to < all.size() ? PageToken.after(all.get(to - 1).name()) : null;
        ex.json(200, new UnitPage(units, next));
    }

    void get(Exchange ex, String rawName) {
        UnitResource.get(ex, registry, reads, rawName, (u, view) -> {
            String machine = view.machineId(u.name());
            UnitState state = machine.isEmpty() ? null : first(registry.unitStates(machine).value(), u.name());
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

    /** GET /fleet/v1/state?machineID=&unitName=, paged like fleet's. */
    void states(Exchange ex) {
        String after = PageToken.decode(ex.query("nextPageToken"));
        String machineId = ex.query("machineID");
        String unitName = ex.query("unitName");
        List<UnitState> all = machineId.isEmpty() ? registry.unitStates().value() : registry.unitStates(machineId).value();
        List<UnitState> matching = new ArrayList<>();
        for (UnitState s : all) {
            if ((machineId.isEmpty() || machineId.equals(s.machineId())) && (unitName.isEmpty() || unitName.equals(s.unit()))
                    && (after.isEmpty() || key(s).compareTo(after) > 0)) {
                matching.add(s);
            }
        }
        int to = Math.min(matching.size(), PAGE_SIZE);
        List<dev.flotilla.api.UnitStateEntity> page = new ArrayList<>(to);
        for (UnitState s : matching.subList(0, to)) {
            page.add(ClusterView.fleetState(s));
        }
        String next = to < matching.size() ? PageToken.after(key(matching.get(to - 1))) : null;
        ex.json(200, new UnitStatePage(page, next));
    }

    /**
     * GET /fleet/v1/state/{unitName}: one state of the unit, 404 when no machine reports one. The
     * state of the machine the unit is assigned to comes first (a moved unit's old machine may still
     * report it for a moment); otherwise, as fleet, the first by machine id (a global unit).
     */
    void state(Exchange ex, String rawName) {
        UnitName name = UnitInput.name(rawName);
        String assigned = "";
        for (Assignment a : registry.assignments().value()) {
            if (a.unit().equals(name.value())) {
                assigned = a.machineId();
                break;
            }
        }
        UnitState found = null;
        if (!assigned.isEmpty()) {
            found = first(registry.unitStates(assigned).value(), name.value());
        }
        if (found == null) {
            found = first(registry.unitStates().value(), name.value());
        }
        if (found == null) {
            throw HttpFailure.notFound("unit state does not exist");
        }
        ex.json(200, ClusterView.fleetState(found));
    }

    private static UnitState first(List<UnitState> states, String unit) {
        for (UnitState s : states) {
            if (s.unit().equals(unit)) {
                return s;
            }
        }
        return null;
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
