package dev.flotilla.engine.scheduler;

import dev.flotilla.unitfile.Demand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small builder of snapshots for tests: machines with metadata, units, current assignments. */
final class SnapshotBuilder {

    final List<MachineView> machines = new ArrayList<>();
    final List<UnitView> units = new ArrayList<>();
    final Map<String, String> assignments = new HashMap<>();

    static SnapshotBuilder of(String... machineIds) {
        SnapshotBuilder c = new SnapshotBuilder();
        for (String id : machineIds) {
            c.machine(id);
        }
        return c;
    }

    /** {@code machine("m1", "region=us", "disk=ssd")}. */
    SnapshotBuilder machine(String id, String... metadata) {
        Map<String, String> md = new LinkedHashMap<>();
        for (String pair : metadata) {
            int eq = pair.indexOf('=');
            md.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        machines.add(new MachineView(id, md));
        return this;
    }

    /** {@code machine("m1", new Capacity(4000, 8 * GiB), "region=us")}. */
    SnapshotBuilder machine(String id, Capacity capacity, String... metadata) {
        machine(id, metadata);
        MachineView m = machines.remove(machines.size() - 1);
        machines.add(new MachineView(m.id(), m.metadata(), capacity));
        return this;
    }

    static final long GiB = 1L << 30;
    static final long MiB = 1L << 20;

    static Capacity cap(long cpuMillis, long memoryBytes) {
        return new Capacity(cpuMillis, memoryBytes);
    }

    static Demand memory(long bytes) {
        return new Demand(0, bytes, 0);
    }

    static Demand cpu(long millis) {
        return new Demand(millis, 0, 0);
    }

    static Demand percent(int basisPoints) {
        return new Demand(0, 0, basisPoints);
    }

    SnapshotBuilder unit(String name, Demand demand) {
        return unit(name, WantedState.LAUNCHED, Constraints.NONE, demand);
    }

    SnapshotBuilder unit(String name, Constraints constraints, Demand demand) {
        return unit(name, WantedState.LAUNCHED, constraints, demand);
    }

    SnapshotBuilder unit(String name, WantedState desired, Constraints constraints, Demand demand) {
        units.removeIf(u -> u.name().equals(name));
        units.add(new UnitView(name, desired, constraints, demand));
        return this;
    }

    SnapshotBuilder on(String machine, String unit, Demand demand) {
        return unit(unit, demand).assign(unit, machine);
    }

    SnapshotBuilder without(String machineId) {
        machines.removeIf(m -> m.id().equals(machineId));
        return this;
    }

    SnapshotBuilder unit(String name) {
        return unit(name, WantedState.LAUNCHED, Constraints.NONE);
    }

    SnapshotBuilder unit(String name, Constraints constraints) {
        return unit(name, WantedState.LAUNCHED, constraints);
    }

    SnapshotBuilder unit(String name, WantedState desired, Constraints constraints) {
        units.removeIf(u -> u.name().equals(name));
        units.add(new UnitView(name, desired, constraints));
        return this;
    }

    SnapshotBuilder assign(String unit, String machine) {
        assignments.put(unit, machine);
        return this;
    }

    /** A unit that is already assigned. */
    SnapshotBuilder on(String machine, String unit) {
        return unit(unit).assign(unit, machine);
    }

    SnapshotBuilder on(String machine, String unit, Constraints constraints) {
        return unit(unit, constraints).assign(unit, machine);
    }

    ClusterSnapshot snapshot() {
        return new ClusterSnapshot(machines, units, assignments);
    }

    Decisions schedule() {
        return Scheduler.leastLoaded().schedule(snapshot());
    }

    /** Schedules, then records the decisions as the engine would; returns the decisions. */
    Decisions step() {
        Decisions d = schedule();
        Map<String, String> after = d.applyTo(assignments);
        assignments.clear();
        assignments.putAll(after);
        return d;
    }

    static MetadataRule md(String... pairs) {
        MetadataRule.Builder b = MetadataRule.builder();
        for (String pair : pairs) {
            int ne = pair.indexOf("!=");
            if (ne >= 0) {
                b.notEqual(pair.substring(0, ne), pair.substring(ne + 2));
            } else {
                int eq = pair.indexOf('=');
                b.equal(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return b.build();
    }

    static Decision.Assign assign_(String unit, String machine) {
        return new Decision.Assign(unit, machine);
    }

    static Decision.Unassign unassign(String unit, String machine, Decision.Reason reason) {
        return new Decision.Unassign(unit, machine, reason);
    }
}
