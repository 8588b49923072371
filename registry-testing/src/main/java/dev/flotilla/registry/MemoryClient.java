package dev.flotilla.registry;

import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;
import dev.flotilla.model.MetadataOverride;

import io.etcd.jetcd.ByteSequence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One client of an in-memory cluster. Every operation is the etcd transaction the etcd classes send,
 * applied atomically to the shared store, over the same key layout.
 */
final class MemoryClient implements InMemoryRegistry {
    private final MemoryCluster cluster;
    private final MemoryStore store;
    private final boolean ownsCluster;
    private final Keys keys = new Keys("/");
    // guarded by store
    private boolean connected = true;
    private boolean closed;
    private final List<MemoryWatch<?>> watches = new ArrayList<>();
    private final List<MemoryPresence> presences = new ArrayList<>();
    private final List<MemoryElection> elections = new ArrayList<>();
    private final List<MemoryRegistration> registrations = new ArrayList<>();

    MemoryClient(MemoryCluster cluster, boolean ownsCluster) {
        this.cluster = cluster;
        this.store = cluster.store();
        this.ownsCluster = ownsCluster;
    }

    @Override
    public InMemoryCluster cluster() {
        return cluster;
    }

    // ---- connection (all under the store's monitor) ----

    boolean sendsKeepAlives() {
        return connected && !closed;
    }

    void check(String what) {
        checkOpen(what);
        if (!connected) {
            throw new RegistryException(what + ": cut off from the cluster");
        }
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new RegistryException(what + ": the registry is closed");
        }
    }

    Mailbox mailbox(String what) {
        return cluster.delivery().mailbox(what);
    }

    void registered(MemoryPresence presence) {
        presences.add(presence);
    }

    void waiting(MemoryRegistration registration) {
        registrations.add(registration);
    }

    void doneWaiting(MemoryRegistration registration) {
        registrations.remove(registration);
    }

    void forget(Object closedPart) {
        watches.remove(closedPart);
        presences.remove(closedPart);
        elections.remove(closedPart);
    }

    @Override
    public void disconnect() {
        store.atomically(() -> {
            checkOpen("disconnect");
            if (!connected) {
                return;
            }
            connected = false;
            store.keepAlivesChanged(this);
            presences.forEach(p -> p.transition(ConnectionState.SUSPENDED));
            watches.forEach(MemoryWatch::pause);
            List.copyOf(registrations).forEach(r -> r.fail(new RegistryException("register machine: cut off from the cluster")));
        });
    }

    @Override
    public void reconnect() {
        store.atomically(() -> {
            checkOpen("reconnect");
            if (connected) {
                return;
            }
            connected = true;
            store.keepAlivesChanged(this);
            presences.forEach(MemoryPresence::reconnected);
            watches.forEach(MemoryWatch::resync);
            List.copyOf(elections).forEach(MemoryElection::reconnected);
        });
    }

    @Override
    public void stop() {
        List<AutoCloseable> parts = store.atomically(() -> {
            List<AutoCloseable> all = new ArrayList<>(elections);
            all.addAll(presences);
            return all;
        });
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        close();
    }

    @Override
    public void close() {
        List<Mailbox> mailboxes = store.atomically(() -> {
            if (closed) {
                return List.<Mailbox>of();
            }
            closed = true;
            store.keepAlivesChanged(this);
            List.copyOf(registrations).forEach(r -> r.fail(new RegistryException("register machine: the registry is closed")));
            List<Mailbox> all = new ArrayList<>();
            watches.forEach(w -> {
                w.detach();
                all.add(w.mailbox());
            });
            presences.forEach(p -> all.add(p.mailbox()));
            elections.forEach(e -> all.add(e.mailbox()));
            watches.clear();
            return all;
        });
        mailboxes.forEach(Mailbox::close);
        if (ownsCluster) {
            cluster.close();
        }
    }

    // ---- machines and the election ----

    @Override
    public Versioned<List<Machine>> machines() {
        return list("list machines", key(keys.machinesPrefix()), v -> ((Codec.MachineRecord) v).machine());
    }

    @Override
    public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
        MemoryRegistration registration = store.atomically(() -> {
            check("register machine " + machine.id());
            MemoryRegistration r = new MemoryRegistration(store, this, key(keys.machine(machine.id())), machine, ttl,
                    session, conflictWait);
            r.attempt();
            return r;
        });
        return registration.await();
    }

    @Override
    public void overrideMetadata(List<MetadataOverride> overrides) {
        overrides.forEach(MetadataOverride::check);
        write(overrides.stream().<MemoryStore.Op>map(o -> new MemoryStore.Put(key(keys.metadata(o.machineId(), o.key())),
                o.value(), 0)).toList(), "write machine metadata");
    }

    @Override
    public Versioned<java.util.Map<String, String>> metadataOverrides(String machineId) {
        String prefix = keys.metadataPrefix(machineId);
        return store.atomically(() -> {
            check("read machine metadata");
            java.util.Map<String, String> overrides = new TreeMap<>();
            store.range(prefix).forEach((k, e) -> overrides.put(k.substring(prefix.length()), (String) e.value()));
            return new Versioned<>(Collections.unmodifiableMap(BoundedOverrides.usable(machineId, overrides)), store.revision());
        });
    }

    @Override
    public Subscription watchMetadataOverrides(String machineId, Consumer<WatchEvent<String>> listener) {
        return watch(keys.metadataPrefix(machineId), String.class::cast, new BoundedOverrides(machineId, listener),
                "metadata of " + machineId);
    }

    @Override
    public LeaderElection leaderElection(String candidateId, Duration ttl) {
        return store.atomically(() -> {
            checkOpen("engine election");
            MemoryElection e = new MemoryElection(store, this, key(keys.engineLeader()), candidateId, ttl,
                    mailbox("election of " + candidateId));
            elections.add(e);
            return e;
        });
    }

    @Override
    public long revision() {
        return store.atomically(() -> {
            check("read the cluster's revision");
            return store.revision();
        });
    }

    @Override
    public Optional<String> engineLeader() {
        return store.atomically(() -> {
            check("read engine leader");
            return Optional.ofNullable(store.get(key(keys.engineLeader()))).map(e -> (String) e.value());
        });
    }

    // ---- units ----

    @Override
    public Versioned<List<UnitRecord>> units() {
        return list("list units", keys.unitsPrefix(), UnitRecord.class::cast);
    }

    @Override
    public Page<UnitRecord> unitsAfter(String after, int limit) {
        return page("list units", keys.unitsPrefix(), after, limit, UnitRecord.class::cast);
    }

    @Override
    public Optional<Versioned<UnitRecord>> unit(String name) {
        return store.atomically(() -> {
            check("read unit " + name);
            return Optional.ofNullable(store.get(key(keys.unit(name))))
                    .map(e -> new Versioned<>((UnitRecord) e.value(), e.modRevision()));
        });
    }

    @Override
    public java.util.Map<String, UnitRecord> namedUnits(java.util.Collection<String> names) {
        return store.atomically(() -> {
            check("read units");
            java.util.Map<String, UnitRecord> found = new java.util.HashMap<>();
            for (String name : names) {
                MemoryStore.Entry e = store.get(key(keys.unit(name)));
                if (e != null) {
                    found.put(name, (UnitRecord) e.value());
                }
            }
            return found;
        });
    }

    private List<MemoryStore.Op> writeUnit(UnitRecord unit) {
        String global = key(keys.global(unit.name()));
        return List.of(new MemoryStore.Put(key(keys.unit(unit.name())), unit, 0),
                UnitFacts.of(unit).global() ? new MemoryStore.Put(global, unit, 0) : new MemoryStore.Delete(global));
    }

    @Override
    public boolean createUnit(UnitRecord unit) {
        return replaceAt(unit, 0, "create unit ");
    }

    @Override
    public boolean replaceUnit(UnitRecord unit, long expectedRevision) {
        return replaceAt(unit, expectedRevision, "replace unit ");
    }

    /** etcd compares a missing key's mod revision as 0, so "at revision 0" means "absent". */
    private boolean replaceAt(UnitRecord unit, long expectedRevision, String what) {
        return store.atomically(() -> {
            check(what + unit.name());
            MemoryStore.Entry current = store.get(key(keys.unit(unit.name())));
            if ((current == null ? 0 : current.modRevision()) != expectedRevision) {
                return false;
            }
            store.commit(writeUnit(unit), what + unit.name());
            return true;
        });
    }

    @Override
    public boolean setDesiredState(String name, DesiredState desired) {
        return store.atomically(() -> {
            check("set desired state of " + name);
            MemoryStore.Entry current = store.get(key(keys.unit(name)));
            if (current == null) {
                return false;
            }
            UnitRecord unit = (UnitRecord) current.value();
            if (unit.desired() != desired) {
                store.commit(writeUnit(unit.withDesired(desired)), "set desired state of " + name);
            }
            return true;
        });
    }

    @Override
    public java.util.Map<String, Boolean> createUnits(List<UnitRecord> units) {
        java.util.Map<String, Boolean> results = Batches.namesOnce(units);
        // The same transactions as etcd's: the index entry of a global unit counts as an operation.
        for (List<UnitRecord> batch : Batches.byWeight(units, u -> UnitFacts.of(u).global() ? 2 : 1)) {
            store.atomically(() -> {
                check("create units");
                List<MemoryStore.Op> ops = new ArrayList<>();
                for (UnitRecord unit : batch) {
                    if (store.get(key(keys.unit(unit.name()))) == null) {
                        ops.addAll(writeUnit(unit));
                        results.put(unit.name(), Boolean.TRUE);
                    }
                }
                store.commit(ops, "create units");
            });
        }
        return results;
    }

    @Override
    public java.util.Map<String, Boolean> setDesiredStates(java.util.Map<String, DesiredState> desired) {
        java.util.Map<String, Boolean> results = new java.util.LinkedHashMap<>();
        for (List<String> batch : Batches.byWeight(List.copyOf(desired.keySet()), n -> 2)) {
            store.atomically(() -> {
                check("set desired states");
                List<MemoryStore.Op> ops = new ArrayList<>();
                for (String name : batch) {
                    MemoryStore.Entry current = store.get(key(keys.unit(name)));
                    results.put(name, current != null);
                    if (current != null && ((UnitRecord) current.value()).desired() != desired.get(name)) {
                        ops.addAll(writeUnit(((UnitRecord) current.value()).withDesired(desired.get(name))));
                    }
                }
                store.commit(ops, "set desired states");
            });
        }
        return results;
    }

    @Override
    public boolean deleteUnit(String name) {
        return store.atomically(() -> {
            check("delete unit " + name);
            boolean existed = store.get(key(keys.unit(name))) != null;
            store.commit(List.of(new MemoryStore.Delete(key(keys.unit(name))), new MemoryStore.Delete(key(keys.global(name)))),
                    "delete unit " + name);
            return existed;
        });
    }

    @Override
    public Versioned<List<UnitRecord>> globalUnits() {
        return list("list global units", keys.globalsPrefix(), UnitRecord.class::cast);
    }

    // ---- assignments ----

    @Override
    public Versioned<List<Assignment>> assignments() {
        return list("list assignments", keys.assignPrefix(), Assignment.class::cast);
    }

    @Override
    public boolean applyAssignments(long fencingRevision, List<AssignmentChange> changes) {
        String leaderKey = key(keys.engineLeader());
        for (List<AssignmentChange> batch : Batches.of(changes)) {
            List<MemoryStore.Op> ops = batch.stream().map(this::op).toList();
            boolean written = store.atomically(() -> {
                check("write assignments");
                store.validate(ops, "write assignments");
                MemoryStore.Entry leader = store.get(leaderKey);
                if ((leader == null ? 0 : leader.createRevision()) != fencingRevision) {
                    return false;
                }
                store.commit(ops, "write assignments");
                return true;
            });
            if (!written) {
                return false;
            }
        }
        return true;
    }

    private MemoryStore.Op op(AssignmentChange change) {
        if (change instanceof AssignmentChange.Assign a) {
            return new MemoryStore.Put(key(keys.assignment(a.assignment().machineId(), a.assignment().unit())),
                    a.assignment(), 0);
        }
        if (change instanceof AssignmentChange.Unassign u) {
            return new MemoryStore.Delete(key(keys.assignment(u.machineId(), u.unit())));
        }
        if (change instanceof AssignmentChange.Waiting w) {
            return new MemoryStore.Put(key(keys.waiting(w.unit())), w.reason(), 0);
        }
        return new MemoryStore.Delete(key(keys.waiting(((AssignmentChange.NotWaiting) change).unit())));
    }

    @Override
    public Versioned<SortedMap<String, String>> waiting() {
        return store.atomically(() -> {
            check("list waiting units");
            SortedMap<String, String> reasons = new TreeMap<>();
            store.range(keys.waitingPrefix()).forEach((k, e) ->
                    reasons.put(k.substring(keys.waitingPrefix().length()), (String) e.value()));
            return new Versioned<>(Collections.unmodifiableSortedMap(reasons), store.revision());
        });
    }

    // ---- unit failures ----

    @Override
    public Versioned<List<dev.flotilla.model.UnitFailure>> unitFailures() {
        return list("list unit failures", keys.failuresPrefix(), dev.flotilla.model.UnitFailure.class::cast);
    }

    @Override
    public Optional<dev.flotilla.model.UnitFailure> unitFailure(String unit) {
        return store.atomically(() -> {
            check("read failure of " + unit);
            return Optional.ofNullable(store.get(key(keys.failure(unit))))
                    .map(e -> (dev.flotilla.model.UnitFailure) e.value());
        });
    }

    @Override
    public boolean putUnitFailure(long fencingRevision, dev.flotilla.model.UnitFailure failure) {
        return fenced(fencingRevision, new MemoryStore.Put(key(keys.failure(failure.unit())), failure, 0),
                "write failure of " + failure.unit());
    }

    @Override
    public boolean removeUnitFailure(long fencingRevision, String unit) {
        return fenced(fencingRevision, new MemoryStore.Delete(key(keys.failure(unit))), "remove failure of " + unit);
    }

    private boolean fenced(long fencingRevision, MemoryStore.Op op, String what) {
        String leaderKey = key(keys.engineLeader());
        return store.atomically(() -> {
            check(what);
            MemoryStore.Entry leader = store.get(leaderKey);
            if ((leader == null ? 0 : leader.createRevision()) != fencingRevision) {
                return false;
            }
            store.commit(List.of(op), what);
            return true;
        });
    }

    // ---- unit states ----

    @Override
    public Versioned<List<UnitState>> unitStates() {
        return list("list unit states", keys.statesPrefix(), UnitState.class::cast);
    }

    @Override
    public Versioned<List<UnitState>> unitStates(String machineId) {
        return list("list unit states", keys.statesPrefix() + machineId + "/", UnitState.class::cast);
    }

    @Override
    public Page<UnitState> unitStatesAfter(String machineId, String after, int limit) {
        if (machineId.isEmpty()) {
            return page("list unit states", keys.statesPrefix(), after, limit, UnitState.class::cast);
        }
        return Page.ofMachine(machineId, after, below -> page("list unit states", keys.statesPrefix() + machineId + "/",
                below, limit, UnitState.class::cast));
    }

    @Override
    public List<UnitState> unitStatesAt(Map<String, String> machineByUnit) {
        return store.atomically(() -> {
            check("read the states of " + machineByUnit.size() + " units");
            List<UnitState> found = new ArrayList<>();
            machineByUnit.forEach((unit, machine) -> {
                MemoryStore.Entry e = store.get(Keys.string(keys.state(machine, unit)));
                if (e != null) {
                    found.add((UnitState) e.value());
                }
            });
            return List.copyOf(found);
        });
    }

    @Override
    public List<UnitState> unitStateOn(String unit, java.util.Collection<String> machineIds) {
        return store.atomically(() -> {
            check("read the states of " + unit);
            List<UnitState> found = new ArrayList<>();
            for (String m : machineIds) {
                MemoryStore.Entry e = store.get(Keys.string(keys.state(m, unit)));
                if (e != null) {
                    found.add((UnitState) e.value());
                }
            }
            return List.copyOf(found);
        });
    }

    @Override
    public void publishState(MachinePresence presence, UnitState state) {
        publishStates(presence, List.of(state), "publish state of " + state.unit());
    }

    @Override
    public void removeState(MachinePresence presence, String unit) {
        removeStates(presence, List.of(unit), "remove state of " + unit);
    }

    @Override
    public void publishStates(MachinePresence presence, List<UnitState> states) {
        publishStates(presence, states, "publish unit states");
    }

    @Override
    public void removeStates(MachinePresence presence, List<String> units) {
        removeStates(presence, units, "remove unit states");
    }

    private void publishStates(MachinePresence presence, List<UnitState> states, String what) {
        write(states.stream().<MemoryStore.Op>map(s ->
                new MemoryStore.Put(key(keys.state(s.machineId(), s.unit())), s, presence.leaseId())).toList(), what);
    }

    private void removeStates(MachinePresence presence, List<String> units, String what) {
        String machineId = presence.machine().id();
        write(units.stream().<MemoryStore.Op>map(u -> new MemoryStore.Delete(key(keys.state(machineId, u)))).toList(), what);
    }

    private void write(List<MemoryStore.Op> ops, String what) {
        for (List<MemoryStore.Op> batch : Batches.of(ops)) {
            store.atomically(() -> {
                check(what);
                store.commit(batch, what);
            });
        }
    }

    // ---- rollouts ----

    @Override
    public List<Versioned<dev.flotilla.model.Rollout>> rollouts() {
        return store.atomically(() -> {
            check("list rollouts");
            return store.range(keys.rolloutsPrefix()).values().stream()
                    .map(e -> new Versioned<>((dev.flotilla.model.Rollout) e.value(), e.modRevision())).toList();
        });
    }

    @Override
    public Optional<Versioned<dev.flotilla.model.Rollout>> rollout(String id) {
        return store.atomically(() -> {
            check("read rollout " + id);
            return Optional.ofNullable(store.get(key(keys.rollout(id))))
                    .map(e -> new Versioned<>((dev.flotilla.model.Rollout) e.value(), e.modRevision()));
        });
    }

    @Override
    public Creation createRollout(dev.flotilla.model.Rollout rollout) {
        EtcdRollouts.checkSize(rollout, EtcdRollouts.encode(rollout).size());
        return store.atomically(() -> {
            check("create rollout " + rollout.id());
            for (String unit : rollout.unitNames()) {
                MemoryStore.Entry lock = store.get(key(keys.rolloutLock(unit)));
                if (lock != null) {
                    return new Creation.Busy(unit, (String) lock.value());
                }
            }
            if (store.get(key(keys.rollout(rollout.id()))) != null) {
                throw new IllegalArgumentException("a rollout with id " + rollout.id() + " exists");
            }
            List<MemoryStore.Op> ops = new ArrayList<>();
            ops.add(new MemoryStore.Put(key(keys.rollout(rollout.id())), rollout, 0));
            rollout.unitNames().forEach(u -> ops.add(new MemoryStore.Put(key(keys.rolloutLock(u)), rollout.id(), 0)));
            return new Creation.Created(store.commit(ops, "create rollout " + rollout.id()));
        });
    }

    @Override
    public boolean requestRollout(String id, dev.flotilla.model.Rollout.Request request, long expectedRevision) {
        return store.atomically(() -> {
            check("request of rollout " + id);
            MemoryStore.Entry current = store.get(key(keys.rollout(id)));
            if (current == null || current.modRevision() != expectedRevision) {
                return false;
            }
            store.commit(List.of(new MemoryStore.Put(key(keys.rollout(id)),
                    ((dev.flotilla.model.Rollout) current.value()).withRequest(request), 0)), "request of rollout " + id);
            return true;
        });
    }

    private boolean leads(long fencingRevision) {
        MemoryStore.Entry leader = store.get(key(keys.engineLeader()));
        return (leader == null ? 0 : leader.createRevision()) == fencingRevision;
    }

    @Override
    public long advanceRollout(long fencingRevision, dev.flotilla.model.Rollout next, long expectedRevision, boolean release) {
        return store.atomically(() -> {
            check("advance rollout " + next.id());
            MemoryStore.Entry current = store.get(key(keys.rollout(next.id())));
            if (!leads(fencingRevision) || (current == null ? 0 : current.modRevision()) != expectedRevision) {
                return 0L;
            }
            List<MemoryStore.Op> ops = new ArrayList<>();
            ops.add(new MemoryStore.Put(key(keys.rollout(next.id())), next, 0));
            if (release) {
                next.unitNames().forEach(u -> ops.add(new MemoryStore.Delete(key(keys.rolloutLock(u)))));
            }
            return store.commit(ops, "advance rollout " + next.id());
        });
    }

    @Override
    public boolean writeRolloutUnits(long fencingRevision, List<UnitWrite> writes) {
        for (UnitWrite w : writes) {
            boolean leading = store.atomically(() -> {
                check("write a rollout's unit");
                if (!leads(fencingRevision)) {
                    return false;
                }
                MemoryStore.Entry current = store.get(key(keys.unit(w.unit().name())));
                if ((current == null ? 0 : current.modRevision()) == w.expectedRevision()) {
                    store.commit(w.recordOnly() ? List.of(new MemoryStore.Put(key(keys.unit(w.unit().name())), w.unit(), 0))
                            : writeUnit(w.unit()), "write a rollout's unit");
                }
                return true;
            });
            if (!leading) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean deleteRollout(long fencingRevision, String id) {
        return store.atomically(() -> {
            check("delete rollout " + id);
            if (!leads(fencingRevision)) {
                return false;
            }
            store.commit(List.of(new MemoryStore.Delete(key(keys.rollout(id)))), "delete rollout " + id);
            return true;
        });
    }

    @Override
    public Subscription watchRollouts(Consumer<WatchEvent<dev.flotilla.model.Rollout>> listener) {
        return watch(keys.rolloutsPrefix(), dev.flotilla.model.Rollout.class::cast, listener, "rollouts");
    }

    // ---- watches ----

    @Override
    public Subscription watchMachines(Consumer<WatchEvent<Machine>> listener) {
        return watch(key(keys.machinesPrefix()), v -> ((Codec.MachineRecord) v).machine(), listener, "machines");
    }

    @Override
    public Subscription watchUnits(Consumer<WatchEvent<UnitRecord>> listener) {
        return watch(keys.unitsPrefix(), UnitRecord.class::cast, listener, "units");
    }

    @Override
    public Subscription watchAssignments(Consumer<WatchEvent<Assignment>> listener) {
        return watch(keys.assignPrefix(), Assignment.class::cast, listener, "assignments");
    }

    @Override
    public ProgressWatch watchAssignments(Consumer<WatchEvent<Assignment>> listener, java.util.function.LongConsumer caughtUp) {
        return watch(keys.assignPrefix(), Assignment.class::cast, listener, "assignments", caughtUp);
    }

    @Override
    public Subscription watchAssignments(String machineId, Consumer<WatchEvent<Assignment>> listener) {
        return watch(keys.assignPrefix(machineId), Assignment.class::cast, listener, "assignments of " + machineId);
    }

    @Override
    public Subscription watchGlobalUnits(Consumer<WatchEvent<UnitRecord>> listener) {
        return watch(keys.globalsPrefix(), UnitRecord.class::cast, listener, "global units");
    }

    @Override
    public Subscription watchWaiting(Consumer<WatchEvent<String>> listener) {
        return watch(keys.waitingPrefix(), String.class::cast, listener, "waiting");
    }

    @Override
    public Subscription watchStates(Consumer<WatchEvent<UnitState>> listener) {
        return watch(keys.statesPrefix(), UnitState.class::cast, listener, "states");
    }

    @Override
    public ProgressWatch watchStates(Consumer<WatchEvent<UnitState>> listener, java.util.function.LongConsumer caughtUp) {
        return watch(keys.statesPrefix(), UnitState.class::cast, listener, "states", caughtUp);
    }

    /** The in-memory store keeps no history: every cluster watch starts with a Snapshot. */
    @Override
    public Subscription watchCluster(long afterRevision, Consumer<List<WatchEvent<ClusterItem>>> listener) {
        return watch(keys.prefix(), MemoryClient::clusterItem,
                new RevisionBatcher<>(listener, ClusterItem::onlyReported).asWatchListener(), "cluster");
    }

    private static ClusterItem clusterItem(Object value) {
        if (value instanceof Codec.MachineRecord m) {
            return new ClusterItem.MachineItem(m.machine());
        }
        if (value instanceof UnitRecord u) {
            return new ClusterItem.UnitItem(u);
        }
        if (value instanceof UnitState s) {
            return new ClusterItem.StateItem(s);
        }
        if (value instanceof dev.flotilla.model.Rollout r) {
            return new ClusterItem.RolloutItem(r);
        }
        return null;
    }

    /** Like an etcd watch, it is set up even while cut off and starts with its Snapshot once connected. */
    private <T> Subscription watch(String prefix, Function<Object, T> decoder, Consumer<WatchEvent<T>> listener,
                                   String what) {
        return watch(prefix, decoder, listener, what, null);
    }

    private <T> MemoryWatch<T> watch(String prefix, Function<Object, T> decoder, Consumer<WatchEvent<T>> listener,
                                     String what, java.util.function.LongConsumer caughtUp) {
        return store.atomically(() -> {
            checkOpen("watch " + what);
            MemoryWatch<T> w = new MemoryWatch<>(store, this, prefix, decoder, listener, mailbox("watch of " + what))
                    .reportingProgress(caughtUp);
            watches.add(w);
            store.add(w);
            if (connected) {
                w.resync();
            }
            return w;
        });
    }

    private <T> Versioned<List<T>> list(String what, String prefix, Function<Object, T> decoder) {
        return store.atomically(() -> {
            check(what);
            List<T> items = store.range(prefix).values().stream().map(e -> decoder.apply(e.value())).toList();
            return new Versioned<>(items, store.revision());
        });
    }

    private <T> Page<T> page(String what, String prefix, String after, int limit, Function<Object, T> decoder) {
        if (limit < 1 || limit > Page.MAX_ITEMS) {
            throw new IllegalArgumentException("a page holds 1 to " + Page.MAX_ITEMS + " keys, not " + limit);
        }
        return store.atomically(() -> {
            check(what);
            List<T> items = new ArrayList<>();
            String last = after;
            boolean more = false;
            for (Map.Entry<String, MemoryStore.Entry> e : store.range(prefix).entrySet()) {
                String below = e.getKey().substring(prefix.length());
                if (!after.isEmpty() && below.compareTo(after) <= 0) {
                    continue;
                }
                if (items.size() == limit) {
                    more = true;
                    break;
                }
                items.add(decoder.apply(e.getValue().value()));
                last = below;
            }
            return new Page<>(items, more, last, store.revision());
        });
    }

    private static String key(ByteSequence key) {
        return Keys.string(key);
    }
}
