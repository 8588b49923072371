package dev.flotilla.registry;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;

import io.etcd.jetcd.Client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * The etcd-backed registry: one connection shared by the six parts, each the etcd
 * implementation of one of the interfaces {@link Registry} is made of. Only forwarding here.
 */
final class EtcdRegistry implements Registry {
    private final EtcdConnection etcd;
    private final EtcdUnits units;
    private final EtcdAssignments assignments;
    private final EtcdMachines machines;
    private final EtcdUnitStates states;
    private final EtcdClusterEvents events;
    private final EtcdLeadership leadership;
    private final EtcdUnitFailures failures;
    private final EtcdRollouts rollouts;

    EtcdRegistry(EtcdConfig config) {
        this.etcd = new EtcdConnection(config);
        this.units = new EtcdUnits(etcd);
        this.assignments = new EtcdAssignments(etcd);
        this.machines = new EtcdMachines(etcd);
        this.states = new EtcdUnitStates(etcd);
        this.events = new EtcdClusterEvents(etcd);
        this.leadership = new EtcdLeadership(etcd);
        this.failures = new EtcdUnitFailures(etcd);
        this.rollouts = new EtcdRollouts(etcd, units);
    }

    /** For tests that write to etcd behind the registry's back. */
    Client client() {
        return etcd.client();
    }

    Keys keys() {
        return etcd.keys();
    }

    // ---- unit failures ----

    @Override
    public Versioned<List<dev.flotilla.model.UnitFailure>> unitFailures() {
        return failures.unitFailures();
    }

    @Override
    public Optional<dev.flotilla.model.UnitFailure> unitFailure(String unit) {
        return failures.unitFailure(unit);
    }

    @Override
    public boolean putUnitFailure(long fencingRevision, dev.flotilla.model.UnitFailure failure) {
        return failures.putUnitFailure(fencingRevision, failure);
    }

    @Override
    public boolean removeUnitFailure(long fencingRevision, String unit) {
        return failures.removeUnitFailure(fencingRevision, unit);
    }

    // ---- units ----

    @Override
    public Versioned<List<UnitRecord>> units() {
        return units.units();
    }

    @Override
    public Page<UnitRecord> unitsAfter(String after, int limit) {
        return units.unitsAfter(after, limit);
    }

    @Override
    public Optional<Versioned<UnitRecord>> unit(String name) {
        return units.unit(name);
    }

    @Override
    public boolean createUnit(UnitRecord unit) {
        return units.createUnit(unit);
    }

    @Override
    public boolean replaceUnit(UnitRecord unit, long expectedRevision) {
        return units.replaceUnit(unit, expectedRevision);
    }

    @Override
    public boolean setDesiredState(String name, DesiredState desired) {
        return units.setDesiredState(name, desired);
    }

    @Override
    public Map<String, UnitRecord> namedUnits(java.util.Collection<String> names) {
        return units.namedUnits(names);
    }

    @Override
    public Map<String, Boolean> createUnits(List<UnitRecord> batch) {
        return units.createUnits(batch);
    }

    @Override
    public Map<String, Boolean> setDesiredStates(Map<String, DesiredState> desired) {
        return units.setDesiredStates(desired);
    }

    @Override
    public boolean deleteUnit(String name) {
        return units.deleteUnit(name);
    }

    @Override
    public Versioned<List<UnitRecord>> globalUnits() {
        return units.globalUnits();
    }

    @Override
    public Subscription watchUnits(Consumer<WatchEvent<UnitRecord>> listener) {
        return units.watchUnits(listener);
    }

    @Override
    public Subscription watchGlobalUnits(Consumer<WatchEvent<UnitRecord>> listener) {
        return units.watchGlobalUnits(listener);
    }

    // ---- assignments ----

    @Override
    public Versioned<List<Assignment>> assignments() {
        return assignments.assignments();
    }

    @Override
    public boolean applyAssignments(long fencingRevision, List<AssignmentChange> changes) {
        return assignments.applyAssignments(fencingRevision, changes);
    }

    @Override
    public Versioned<SortedMap<String, String>> waiting() {
        return assignments.waiting();
    }

    @Override
    public Subscription watchAssignments(Consumer<WatchEvent<Assignment>> listener) {
        return assignments.watchAssignments(listener);
    }

    @Override
    public ProgressWatch watchAssignments(Consumer<WatchEvent<Assignment>> listener, java.util.function.LongConsumer caughtUp) {
        return assignments.watchAssignments(listener, caughtUp);
    }

    @Override
    public Subscription watchAssignments(String machineId, Consumer<WatchEvent<Assignment>> listener) {
        return assignments.watchAssignments(machineId, listener);
    }

    @Override
    public Subscription watchWaiting(Consumer<WatchEvent<String>> listener) {
        return assignments.watchWaiting(listener);
    }

    // ---- machines ----

    @Override
    public Versioned<List<Machine>> machines() {
        return machines.machines();
    }

    @Override
    public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
        return machines.register(machine, ttl, session, conflictWait);
    }

    @Override
    public void overrideMetadata(List<MetadataOverride> overrides) {
        machines.overrideMetadata(overrides);
    }

    @Override
    public Versioned<Map<String, String>> metadataOverrides(String machineId) {
        return machines.metadataOverrides(machineId);
    }

    @Override
    public Subscription watchMetadataOverrides(String machineId, Consumer<WatchEvent<String>> listener) {
        return machines.watchMetadataOverrides(machineId, listener);
    }

    @Override
    public Subscription watchMachines(Consumer<WatchEvent<Machine>> listener) {
        return machines.watchMachines(listener);
    }

    // ---- unit states ----

    @Override
    public Versioned<List<UnitState>> unitStates() {
        return states.unitStates();
    }

    @Override
    public Versioned<List<UnitState>> unitStates(String machineId) {
        return states.unitStates(machineId);
    }

    @Override
    public Page<UnitState> unitStatesAfter(String machineId, String after, int limit) {
        return states.unitStatesAfter(machineId, after, limit);
    }

    @Override
    public List<UnitState> unitStatesAt(Map<String, String> machineByUnit) {
        return states.unitStatesAt(machineByUnit);
    }

    @Override
    public List<UnitState> unitStateOn(String unit, java.util.Collection<String> machineIds) {
        return states.unitStateOn(unit, machineIds);
    }

    @Override
    public void publishState(MachinePresence presence, UnitState state) {
        states.publishState(presence, state);
    }

    @Override
    public void removeState(MachinePresence presence, String unit) {
        states.removeState(presence, unit);
    }

    @Override
    public void publishStates(MachinePresence presence, List<UnitState> published) {
        states.publishStates(presence, published);
    }

    @Override
    public void removeStates(MachinePresence presence, List<String> removed) {
        states.removeStates(presence, removed);
    }

    @Override
    public Subscription watchStates(Consumer<WatchEvent<UnitState>> listener) {
        return states.watchStates(listener);
    }

    @Override
    public ProgressWatch watchStates(Consumer<WatchEvent<UnitState>> listener, java.util.function.LongConsumer caughtUp) {
        return states.watchStates(listener, caughtUp);
    }

    // ---- cluster events ----

    @Override
    public long revision() {
        return events.revision();
    }

    @Override
    public Subscription watchCluster(long afterRevision, Consumer<List<WatchEvent<ClusterItem>>> listener) {
        return events.watchCluster(afterRevision, listener);
    }

    // ---- leadership ----

    @Override
    public LeaderElection leaderElection(String candidateId, Duration ttl) {
        return leadership.leaderElection(candidateId, ttl);
    }

    @Override
    public Optional<String> engineLeader() {
        return leadership.engineLeader();
    }

    // ---- rollouts ----

    @Override
    public java.util.List<Versioned<dev.flotilla.model.Rollout>> rollouts() {
        return rollouts.rollouts();
    }

    @Override
    public Optional<Versioned<dev.flotilla.model.Rollout>> rollout(String id) {
        return rollouts.rollout(id);
    }

    @Override
    public Creation createRollout(dev.flotilla.model.Rollout rollout) {
        return rollouts.createRollout(rollout);
    }

    @Override
    public boolean requestRollout(String id, dev.flotilla.model.Rollout.Request request, long expectedRevision) {
        return rollouts.requestRollout(id, request, expectedRevision);
    }

    @Override
    public long advanceRollout(long fencingRevision, dev.flotilla.model.Rollout next, long expectedRevision, boolean release) {
        return rollouts.advanceRollout(fencingRevision, next, expectedRevision, release);
    }

    @Override
    public boolean writeRolloutUnits(long fencingRevision, List<UnitWrite> writes) {
        return rollouts.writeRolloutUnits(fencingRevision, writes);
    }

    @Override
    public boolean deleteRollout(long fencingRevision, String id) {
        return rollouts.deleteRollout(fencingRevision, id);
    }

    @Override
    public Subscription watchRollouts(Consumer<WatchEvent<dev.flotilla.model.Rollout>> listener) {
        return rollouts.watchRollouts(listener);
    }

    @Override
    public void close() {
        etcd.close();
    }
}
