package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.model.UnitFailure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * The parts of the cluster state a unit view combines: where each unit is assigned, why units
 * wait, and the machines' addresses. Each part is one etcd range read.
 */
final class ClusterView {
    private final Map<String, Assignment> assignmentByUnit;
    private final SortedMap<String, String> waiting;
    private final Map<String, String> ipByMachine;
    private final Map<String, UnitFailure> failures;

    private ClusterView(Map<String, Assignment> assignmentByUnit, SortedMap<String, String> waiting,
                        Map<String, String> ipByMachine, Map<String, UnitFailure> failures) {
        this.assignmentByUnit = assignmentByUnit;
        this.waiting = waiting;
        this.ipByMachine = ipByMachine;
        this.failures = failures;
    }

    /**
     * Starts the four reads (the failure records are few: only RescheduleOnFailure= units that
     * failed), the assignments from the daemon's mirror when it can answer (else from etcd);
     * {@link Pending#get()} waits for them.
     *
     * @param assignments the mirror, or null to read etcd
     * @param units        the units the view is asked about (all of them when empty): what the mirror answers for
     */
    static Pending read(Registry registry, Reads reads, Mirror<Assignment> assignments, java.util.Set<String> units) {
        return new Pending(reads.start(() -> assignments(registry, assignments, units)),
                reads.start(() -> registry.waiting().value()), reads.start(() -> registry.machines().value()),
                reads.start(() -> registry.unitFailures().value()));
    }

    /**
     * The assignments of the named units (of all with none named): from the mirror when it can
     * answer, else every assignment from etcd (they are kept by machine), for the caller to pick from.
     */
    static List<Assignment> assignments(Registry registry, Mirror<Assignment> mirror, java.util.Set<String> units) {
        return (mirror == null ? java.util.Optional.<List<Assignment>>empty() : mirror.read(units))
                .orElseGet(() -> registry.assignments().value());
    }

    /** Only the assignments given (for fleet's pages, which show nothing else of the view). */
    static ClusterView ofAssignments(List<Assignment> assignments) {
        return new Pending(CompletableFuture.completedFuture(assignments), CompletableFuture.completedFuture(new java.util.TreeMap<>()),
                CompletableFuture.completedFuture(List.of()), CompletableFuture.completedFuture(List.of())).get();
    }

    /**
     * Only the machines (for their addresses): what a listing of states alone needs. The
     * assignments are a key per unit, as many as the states: reading them for nothing doubled
     * the cost of {@code list-units} at 100,000 units.
     */
    static Pending readMachines(Registry registry, Reads reads) {
        return new Pending(CompletableFuture.completedFuture(List.of()), CompletableFuture.completedFuture(new java.util.TreeMap<>()),
                reads.start(() -> registry.machines().value()), CompletableFuture.completedFuture(List.of()));
    }

    record Pending(CompletableFuture<List<Assignment>> assignments, CompletableFuture<SortedMap<String, String>> waiting,
                   CompletableFuture<List<Machine>> machines, CompletableFuture<List<UnitFailure>> failures) {
        ClusterView get() {
            List<Assignment> all = Reads.get(assignments);
            Map<String, Assignment> byUnit = new HashMap<>(all.size() * 2);
            for (Assignment a : all) {
                // While a unit moves it may briefly be assigned twice: show the first machine (by id).
                byUnit.putIfAbsent(a.unit(), a);
            }
            Map<String, String> ips = new HashMap<>();
            for (Machine m : Reads.get(machines)) {
                ips.put(m.id(), m.publicIp());
            }
            Map<String, UnitFailure> failed = new HashMap<>();
            for (UnitFailure f : Reads.get(failures)) {
                failed.put(f.unit(), f);
            }
            return new ClusterView(byUnit, Reads.get(waiting), ips, failed);
        }
    }

    /** The assignment of a (non-global) unit, or null. */
    Assignment assignment(String unit) {
        return assignmentByUnit.get(unit);
    }

    String machineId(String unit) {
        Assignment a = assignmentByUnit.get(unit);
        return a == null ? "" : a.machineId();
    }

    String ip(String machineId) {
        return machineId.isEmpty() ? "" : ipByMachine.getOrDefault(machineId, "");
    }

    /** The engine's failure record of a RescheduleOnFailure= unit, or null. */
    UnitFailure failure(String unit) {
        return failures.get(unit);
    }

    static String failureTime(UnitFailure f) {
        return f == null || f.lastFailureMillis() == 0 ? "" : java.time.Instant.ofEpochMilli(f.lastFailureMillis()).toString();
    }

    String waiting(String unit) {
        return waiting.getOrDefault(unit, "");
    }

    /**
     * The Flotilla API's current state: {@code inactive} when not scheduled, else how far its
     * assignment goes (fleet v1 shows what the machine did instead: {@link FleetCurrentState}). A
     * global unit is followed by every matching agent without an assignment, so it reports its
     * desired state.
     */
    String currentState(UnitRecord unit, boolean global) {
        if (global) {
            return unit.desired().fleetName();
        }
        Assignment a = assignmentByUnit.get(unit.name());
        return a == null ? DesiredState.INACTIVE.fleetName() : a.desired().fleetName();
    }

    /** fleet's UnitState of one published state. */
    static dev.flotilla.api.UnitStateEntity fleetState(UnitState s) {
        return new dev.flotilla.api.UnitStateEntity(s.unit(), s.hash(), s.machineId(), s.loadState(), s.activeState(), s.subState());
    }
}
