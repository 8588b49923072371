package dev.flotilla.api.server;

import dev.flotilla.api.UnitResult;
import dev.flotilla.api.UnitResults;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.PartialWriteException;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.RegistryException;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.WriteRefusedException;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * POST /flotilla/v1/units: many units in one request, each as its own PUT would be, written in
 * few etcd transactions. The whole body is checked before anything is written (one bad unit: 400
 * naming it); what depends on the cluster (a differing text without replace, a unit missing
 * without text) is answered per unit.
 */
final class UnitBatch {
    /** Most units per request (the body's byte limit applies as well). */
    static final int MAX_UNITS = 10_000;
    /** Up to this many named units are read one by one; more, and every unit is read at once. */
    private static final int FEW = 16;

    private final Registry registry;

    UnitBatch(Registry registry) {
        this.registry = registry;
    }

    /** One unit of the body, checked. */
    record Checked(int index, UnitName name, UnitFile file, DesiredState desired, boolean replace) {
    }

    void post(Exchange ex) {
        ex.requireJson();
        UnitSubmission[] body = ex.jsonBody(UnitSubmission[].class, true);
        if (body.length > MAX_UNITS) {
            throw new HttpFailure(413, body.length + " units in one request; the limit is " + MAX_UNITS);
        }
        List<Checked> units = check(body);
        ex.json(200, new UnitResults(write(units)));
    }

    /** Every unit of a body, checked as one PUT would check it; the first bad one is a 400 naming it. */
    static List<Checked> check(UnitSubmission[] body) {
        List<Checked> checked = new ArrayList<>(body.length);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < body.length; i++) {
            UnitSubmission s = body[i];
            String where = "units[" + i + "]";
            if (s == null || s.name() == null || s.name().isEmpty()) {
                throw HttpFailure.badRequest(where + " has no name");
            }
            where += " (" + s.name() + ")";
            try {
                UnitName name = UnitInput.name(s.name());
                if (!seen.add(name.value())) {
                    throw HttpFailure.badRequest("unit " + name + " is given more than once");
                }
                DesiredState desired = UnitInput.desired(s.desiredState());
                UnitInput.checkTemplate(name, desired);
                UnitFile file = s.text() == null ? null : UnitInput.text(name, s.text());
                checked.add(new Checked(i, name, file, desired, s.replaceAllowed()));
            } catch (HttpFailure e) {
                throw new HttpFailure(e.status(), where + ": " + e.getMessage());
            }
        }
        return checked;
    }

    private List<UnitResult> write(List<Checked> units) {
        Map<String, UnitRecord> existing = read(units);
        UnitResult[] results = new UnitResult[units.size()];
        RegistryException failure = null;
        List<Checked> create = new ArrayList<>();
        Map<String, DesiredState> desired = new LinkedHashMap<>();
        Map<String, Checked> byName = new HashMap<>();
        List<Checked> oneByOne = new ArrayList<>();
        for (Checked u : units) {
            byName.put(u.name().value(), u);
            UnitRecord current = existing.get(u.name().value());
            if (current == null) {
                if (u.file() == null) {
                    oneByOne.add(u); // answered 404 there, unless it was created meanwhile
                } else {
                    create.add(u);
                }
            } else if (u.file() != null && !u.file().text().equals(current.text())) {
                oneByOne.add(u); // a refusal or a replace, both decided on a fresh read
            } else if (u.desired() == null || u.desired() == current.desired()) {
                results[u.index()] = result(new UnitWrite.Outcome(UnitWrite.Change.UNCHANGED, current));
            } else {
                desired.put(u.name().value(), u.desired());
            }
        }
        List<UnitRecord> records = create.stream().map(u -> new UnitRecord(u.name().value(), u.file().text(),
                u.file().hash(), u.desired() == null ? DesiredState.INACTIVE : u.desired())).toList();
        Map<String, Boolean> created;
        try {
            created = registry.createUnits(records);
        } catch (IllegalArgumentException e) {
            throw new HttpFailure(413, e.getMessage() + "; nothing was written"); // checked before the first write
        } catch (PartialWriteException e) {
            created = e.settled();
            failure = e;
        }
        for (UnitRecord r : records) {
            Checked u = byName.get(r.name());
            Boolean c = created.get(r.name());
            if (c == null) {
                results[u.index()] = notWritten(u, failure);
            } else if (c) {
                results[u.index()] = result(new UnitWrite.Outcome(UnitWrite.Change.CREATED, r,
                        UnitWrite.revisionAfterWrite(registry, r.name())));
            } else {
                oneByOne.add(u); // created meanwhile
            }
        }
        Map<String, Boolean> set = Map.of();
        if (failure == null) {
            try {
                set = registry.setDesiredStates(desired);
            } catch (PartialWriteException e) {
                set = e.settled();
                failure = e;
            }
        }
        for (Map.Entry<String, DesiredState> e : desired.entrySet()) {
            Checked u = byName.get(e.getKey());
            Boolean done = set.get(e.getKey());
            if (done == null) {
                results[u.index()] = notWritten(u, failure);
            } else if (done) {
                UnitRecord updated = existing.get(e.getKey()).withDesired(u.desired());
                results[u.index()] = result(new UnitWrite.Outcome(UnitWrite.Change.UPDATED, updated,
                        UnitWrite.revisionAfterWrite(registry, e.getKey())));
            } else {
                oneByOne.add(u); // deleted meanwhile
            }
        }
        for (Checked u : oneByOne) {
            if (failure != null) {
                results[u.index()] = notWritten(u, failure);
                continue;
            }
            try {
                results[u.index()] = result(UnitWrite.write(registry, new FlotillaRules(u.replace()), u.name(), u.file(),
                        u.desired()));
            } catch (HttpFailure e) {
                results[u.index()] = new UnitResult(u.name().value(), e.status(), null, null, null, e.getMessage());
            } catch (RegistryException e) {
                failure = e;
                results[u.index()] = notWritten(u, failure);
            }
        }
        return List.of(results);
    }

    /**
     * The answer for a unit not written because a transaction failed (once one fails, the rest is
     * not tried): 413 when etcd refused it for good, else 503. Its unit may have been written
     * when etcd did not answer in time.
     */
    private static UnitResult notWritten(Checked u, RegistryException failure) {
        boolean refused = failure instanceof WriteRefusedException
                || failure instanceof PartialWriteException p && p.refused();
        String message = refused
                ? "unit " + u.name() + " was not written: " + failure.getMessage()
                : "unit " + u.name() + " was not written, or etcd did not confirm it: " + failure.getMessage();
        return new UnitResult(u.name().value(), refused ? 413 : 503, null, null, null, message);
    }

    private Map<String, UnitRecord> read(List<Checked> units) {
        Map<String, UnitRecord> found = new HashMap<>();
        if (units.size() <= FEW) {
            for (Checked u : units) {
                registry.unit(u.name().value()).ifPresent(v -> found.put(v.value().name(), v.value()));
            }
        } else {
            for (UnitRecord r : registry.units().value()) {
                found.put(r.name(), r);
            }
        }
        return found;
    }

    private static UnitResult result(UnitWrite.Outcome outcome) {
        UnitRecord unit = outcome.unit();
        return new UnitResult(unit.name(), outcome.change() == UnitWrite.Change.CREATED ? 201 : 200,
                FlotillaUnits.change(outcome).change(), unit.hash(), unit.desired().fleetName(), null, outcome.revision());
    }
}
