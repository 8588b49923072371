package dev.flotilla.api.server;

import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.Registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * POST /flotilla/v1/plan: where the engine would put the given units, and what they would move or
 * leave waiting, writing nothing. The body is that of POST /flotilla/v1/units (checked the same way:
 * one bad unit is a 400 naming it and its line); {@code replace} is not needed, as nothing is
 * replaced. Every daemon answers alike: it reads machines, units and assignments from etcd and runs
 * the engine's pass twice, over the cluster as it is and with the given units laid over it.
 */
final class PlanEndpoint {
    /** Plans at once: each holds the whole cluster twice while its passes run. */
    static final int MAX_CONCURRENT = 2;

    private final Registry registry;
    private final Reads reads;
    private final SchedulingPass pass;
    private final Semaphore running = new Semaphore(MAX_CONCURRENT);

    /** @param pass the engine's pass, or null when this daemon has none (then 501) */
    PlanEndpoint(Registry registry, Reads reads, SchedulingPass pass) {
        this.registry = registry;
        this.reads = reads;
        this.pass = pass;
    }

    void post(Exchange ex) {
        ex.requireJson();
        UnitSubmission[] body = ex.jsonBody(UnitSubmission[].class, true);
        if (body.length == 0) {
            throw HttpFailure.badRequest("no units to plan: the body is an empty list");
        }
        if (body.length > UnitBatch.MAX_UNITS) {
            throw new HttpFailure(413, body.length + " units in one plan; the limit is " + UnitBatch.MAX_UNITS);
        }
        List<UnitBatch.Checked> checked = UnitBatch.check(body);
        if (pass == null) {
            throw new HttpFailure(501, "this daemon runs no engine, so it cannot plan");
        }
        if (!running.tryAcquire()) {
            throw HttpFailure.busy(MAX_CONCURRENT + " plans are running on this daemon; try again shortly");
        }
        try {
            ex.json(200, plan(checked));
        } finally {
            running.release();
        }
    }

    private dev.flotilla.api.PlanReport plan(List<UnitBatch.Checked> checked) {
        CompletableFuture<List<Machine>> machinesRead = reads.start(() -> registry.machines().value());
        CompletableFuture<List<UnitRecord>> unitsRead = reads.start(() -> registry.units().value());
        CompletableFuture<List<Assignment>> assignmentsRead = reads.start(() -> registry.assignments().value());
        List<Machine> machines = Reads.get(machinesRead);
        List<UnitRecord> units = Reads.get(unitsRead);
        List<Assignment> assignments = Reads.get(assignmentsRead);

        Map<String, UnitRecord> cluster = new HashMap<>(units.size() * 2);
        units.forEach(u -> cluster.put(u.name(), u));
        List<UnitRecord> given = new ArrayList<>(checked.size());
        for (UnitBatch.Checked c : checked) {
            given.add(planned(c, cluster.get(c.name().value())));
        }
        Map<String, UnitRecord> proposed = new HashMap<>(cluster);
        given.forEach(u -> proposed.put(u.name(), u));

        SchedulingPass.Outcome baseline = pass.run(machines, units, assignments);
        SchedulingPass.Outcome withGiven = pass.run(machines, proposed.values(), assignments);

        Map<String, String> recorded = new HashMap<>();
        for (Assignment a : assignments) {
            recorded.merge(a.unit(), a.machineId(), (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        Map<String, String> ips = new HashMap<>();
        machines.forEach(m -> ips.put(m.id(), m.publicIp()));
        return PlanVerdicts.report(given, recorded, baseline, withGiven, id -> ips.getOrDefault(id, ""));
    }

    /** The unit as the plan sees it: its given text (or the cluster's) with its given desired state (or the cluster's). */
    private static UnitRecord planned(UnitBatch.Checked c, UnitRecord existing) {
        if (c.file() == null) {
            if (existing == null) {
                throw HttpFailure.notFound("unit " + c.name() + " is not in the cluster; give its text to plan it");
            }
            return c.desired() == null ? existing : existing.withDesired(c.desired());
        }
        DesiredState desired = c.desired() != null ? c.desired() : existing != null ? existing.desired() : DesiredState.INACTIVE;
        return new UnitRecord(c.name().value(), c.file().text(), c.file().hash(), desired);
    }
}
