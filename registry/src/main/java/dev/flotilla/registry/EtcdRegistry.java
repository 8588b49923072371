package dev.flotilla.registry;

import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.netty.handler.ssl.SslContextBuilder;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The etcd-backed registry. */
final class EtcdRegistry implements Registry {
    /** Bound on every single etcd call, so nothing hangs forever on a dead etcd. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private final Client client;
    private final Keys keys;
    private final ScheduledExecutorService scheduler;
    private final EtcdReconnector reconnector;

    EtcdRegistry(EtcdConfig config) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofSeconds(3))
                .retryMaxDuration(Duration.ofSeconds(3))
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .maxInboundMessageSize(PagedRange.MAX_MESSAGE_BYTES);
        if (config.caFile().isPresent() || config.certFile().isPresent()) {
            try {
                builder.sslContext(ssl -> configureTls(ssl, config));
            } catch (javax.net.ssl.SSLException e) {
                throw new RegistryException("cannot set up TLS to etcd: " + e.getMessage(), e);
            }
        }
        this.client = builder.build();
        this.reconnector = EtcdReconnector.start(client, config.endpoints());
        this.keys = new Keys(config.prefix());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flotilla-leases");
            t.setDaemon(true);
            return t;
        });
    }

    private static void configureTls(SslContextBuilder ssl, EtcdConfig config) {
        config.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
        if (config.certFile().isPresent() && config.keyFile().isPresent()) {
            File cert = config.certFile().get().toFile();
            File key = config.keyFile().get().toFile();
            ssl.keyManager(cert, key);
        }
    }

    Client client() {
        return client;
    }

    Keys keys() {
        return keys;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    @Override
    public Versioned<List<Machine>> machines() {
        return list(Keys.string(keys.machinesPrefix()), (key, value) -> Codec.decode(value, Codec.MachineRecord.class).machine(),
                "list machines");
    }

    @Override
    public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
        return EtcdMachinePresence.register(this, machine, ttl, session, conflictWait);
    }

    @Override
    public void overrideMetadata(List<MetadataOverride> overrides) {
        overrides.forEach(MetadataOverride::check);
        inBatches(overrides.stream().map(o -> Write.put(keys.metadata(o.machineId(), o.key()), Keys.bytes(o.value()),
                PutOption.DEFAULT)).toList(), "write machine metadata");
    }

    @Override
    public Versioned<java.util.Map<String, String>> metadataOverrides(String machineId) {
        Versioned<List<String[]>> pairs = list(keys.metadataPrefix(machineId),
                (key, value) -> new String[]{key, Keys.string(value)}, "read machine metadata");
        java.util.Map<String, String> overrides = new java.util.TreeMap<>();
        pairs.value().forEach(p -> overrides.put(p[0], p[1]));
        return new Versioned<>(java.util.Collections.unmodifiableMap(BoundedOverrides.usable(machineId, overrides)),
                pairs.revision());
    }

    @Override
    public Subscription watchMetadataOverrides(String machineId, java.util.function.Consumer<WatchEvent<String>> listener) {
        return new PrefixWatcher<>(this, keys.metadataPrefix(machineId), (key, value) -> Keys.string(value),
                new BoundedOverrides(machineId, listener), "metadata").start();
    }

    @Override
    public LeaderElection leaderElection(String candidateId, Duration ttl) {
        return new EtcdLeaderElection(this, candidateId, ttl);
    }

    @Override
    public long revision() {
        // Any key will do: the header carries the store's revision; count-only reads no value.
        GetResponse response = await(client.getKVClient().get(keys.engineLeader(),
                GetOption.builder().withCountOnly(true).build()), "read the cluster's revision");
        return response.getHeader().getRevision();
    }

    @Override
    public Optional<String> engineLeader() {
        GetResponse response = await(client.getKVClient().get(keys.engineLeader()), "read engine leader");
        return response.getKvs().stream().findFirst().map(kv -> Keys.string(kv.getValue()));
    }

    // ---- units ----

    @Override
    public Versioned<List<UnitRecord>> units() {
        return list(keys.unitsPrefix(), EtcdRegistry::decodeUnit, "list units");
    }

    static UnitRecord decodeUnit(String name, ByteSequence value) {
        return Codec.decodeUnit(name, value);
    }

    @Override
    public Optional<Versioned<UnitRecord>> unit(String name) {
        GetResponse response = await(client.getKVClient().get(keys.unit(name)), "read unit " + name);
        return response.getKvs().stream().findFirst()
                .map(kv -> new Versioned<>(decodeUnit(name, kv.getValue()), kv.getModRevision()));
    }

    /**
     * The ops that store a unit and keep the globals index in step.
     *
     * @param mayBeIndexed whether an index entry may exist already (false for a new unit, or a unit
     *                     known not to be global): then a non-global unit costs no index write at all
     */
    private Op[] writeUnit(UnitRecord unit, boolean mayBeIndexed) {
        return storeUnit(unit, mayBeIndexed).ops();
    }

    /** The ops that write a unit, and the key and value bytes they (with a comparison on the unit's key) send. */
    private record StoredUnit(Op[] ops, int bytes) {
    }

    private StoredUnit storeUnit(UnitRecord unit, boolean mayBeIndexed) {
        ByteSequence value = Codec.encodeUnit(unit);
        ByteSequence key = keys.unit(unit.name());
        ByteSequence global = keys.global(unit.name());
        Op put = Op.put(key, value, PutOption.DEFAULT);
        int bytes = 2 * key.size() + value.size();
        if (UnitFacts.of(unit).global()) {
            return new StoredUnit(new Op[]{put, Op.put(global, value, PutOption.DEFAULT)}, bytes + global.size() + value.size());
        }
        return mayBeIndexed
                ? new StoredUnit(new Op[]{put, Op.delete(global, io.etcd.jetcd.options.DeleteOption.DEFAULT)},
                bytes + global.size())
                : new StoredUnit(new Op[]{put}, bytes);
    }

    @Override
    public boolean createUnit(UnitRecord unit) {
        ByteSequence key = keys.unit(unit.name());
        return await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(writeUnit(unit, false))
                .commit(), "create unit " + unit.name()).isSucceeded();
    }

    @Override
    public boolean replaceUnit(UnitRecord unit, long expectedRevision) {
        return replace(unit, expectedRevision, true);
    }

    private boolean replace(UnitRecord unit, long expectedRevision, boolean mayBeIndexed) {
        ByteSequence key = keys.unit(unit.name());
        return await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                .Then(writeUnit(unit, mayBeIndexed))
                .commit(), "replace unit " + unit.name()).isSucceeded();
    }

    @Override
    public boolean setDesiredState(String name, DesiredState desired) {
        // Compare-and-set, so a concurrent --replace of the text is never overwritten. The text
        // stays, so a unit that is not global has no index entry to touch.
        for (int attempt = 0; attempt < 20; attempt++) {
            Optional<Versioned<UnitRecord>> current = unit(name);
            if (current.isEmpty()) {
                return false;
            }
            UnitRecord now = current.get().value();
            if (now.desired() == desired || replace(now.withDesired(desired), current.get().revision(), UnitFacts.of(now).global())) {
                return true;
            }
        }
        throw new RegistryException("set desired state of " + name + ": too much contention, try again");
    }

    /**
     * A unit to create with the ops that write it (computed once: telling a global unit parses its
     * text) and their bytes, with the read of its key a refused attempt makes.
     */
    private record Creation(UnitRecord unit, Op[] ops, int bytes) {
        @Override
        public String toString() {
            return "unit " + unit.name();
        }
    }

    @Override
    public java.util.Map<String, Boolean> createUnits(List<UnitRecord> units) {
        java.util.Map<String, Boolean> results = Batches.namesOnce(units);
        List<Creation> creations = units.stream().map(u -> {
            StoredUnit stored = storeUnit(u, false);
            return new Creation(u, stored.ops(), stored.bytes() + keys.unit(u.name()).size());
        }).toList();
        List<List<Creation>> batches = Batches.byWeight(creations, c -> c.ops().length, Creation::bytes);
        // First attempts go out together (etcd commits concurrent transactions together); a batch
        // that met an existing name is retried alone with the names its answer showed free.
        java.util.Map<String, Boolean> settled = new java.util.LinkedHashMap<>();
        List<CompletableFuture<TxnResponse>> inFlight = new ArrayList<>();
        List<List<Creation>> sent = new ArrayList<>();
        for (List<Creation> batch : batches) {
            inFlight.add(createIfAllAbsent(batch));
            sent.add(batch);
            if (inFlight.size() == MAX_TXNS_IN_FLIGHT) {
                settleCreations(sent, inFlight, settled);
            }
        }
        settleCreations(sent, inFlight, settled);
        results.putAll(settled);
        return results;
    }

    /** Records what each sent batch did in {@code settled}; after a failure, throws with all that was settled. */
    private void settleCreations(List<List<Creation>> sent, List<CompletableFuture<TxnResponse>> inFlight,
                                 java.util.Map<String, Boolean> settled) {
        RegistryException failure = null;
        List<TxnResponse> answers = new ArrayList<>();
        for (CompletableFuture<TxnResponse> txn : inFlight) {
            try {
                answers.add(await(txn, "create units"));
            } catch (RegistryException e) {
                failure = failure == null ? e : failure;
                answers.add(null);
            }
        }
        List<List<Creation>> batches = List.copyOf(sent);
        inFlight.clear();
        sent.clear();
        for (int i = 0; i < batches.size(); i++) {
            List<Creation> batch = batches.get(i);
            TxnResponse answer = answers.get(i);
            if (answer == null) {
                continue;
            }
            try {
                settleCreation(batch, answer, settled);
            } catch (RegistryException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw new PartialWriteException("create units: " + settled.size() + " settled before a transaction failed",
                    settled, failure);
        }
    }

    private void settleCreation(List<Creation> batch, TxnResponse answer, java.util.Map<String, Boolean> settled) {
        // Each failed attempt saw at least one name taken, so the batch shrinks every round.
        while (!answer.isSucceeded()) {
            List<io.etcd.jetcd.kv.GetResponse> found = answer.getGetResponses();
            List<Creation> free = new ArrayList<>();
            for (int j = 0; j < batch.size(); j++) {
                if (found.get(j).getCount() == 0) {
                    free.add(batch.get(j));
                } else {
                    settled.put(batch.get(j).unit().name(), Boolean.FALSE);
                }
            }
            batch = free;
            if (batch.isEmpty()) {
                return;
            }
            answer = await(createIfAllAbsent(batch), "create units");
        }
        batch.forEach(c -> settled.put(c.unit().name(), Boolean.TRUE));
    }

    /** Writes the batch if none of its names exists; otherwise counts each name (in order) and writes nothing. */
    private CompletableFuture<TxnResponse> createIfAllAbsent(List<Creation> batch) {
        GetOption countOnly = GetOption.builder().withCountOnly(true).build();
        return client.getKVClient().txn()
                .If(batch.stream().map(c -> new Cmp(keys.unit(c.unit().name()), Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .toArray(Cmp[]::new))
                .Then(batch.stream().flatMap(c -> java.util.Arrays.stream(c.ops())).toArray(Op[]::new))
                .Else(batch.stream().map(c -> Op.get(keys.unit(c.unit().name()), countOnly)).toArray(Op[]::new))
                .commit();
    }

    @Override
    public java.util.Map<String, Boolean> setDesiredStates(java.util.Map<String, DesiredState> desired) {
        java.util.Map<String, Boolean> settled = new java.util.HashMap<>();
        // A changed global unit costs two writes (unit and index entry).
        for (List<String> names : Batches.byWeight(List.copyOf(desired.keySet()), n -> 2)) {
            try {
                setDesiredBatch(names, desired, settled);
            } catch (RegistryException e) {
                throw new PartialWriteException("set desired states: " + settled.size() + " settled before a transaction failed",
                        settled, e);
            }
        }
        java.util.Map<String, Boolean> results = new java.util.LinkedHashMap<>();
        desired.keySet().forEach(name -> results.put(name, settled.get(name)));
        return results;
    }

    /** One unit's compare-and-set change of its desired state. */
    private record DesiredWrite(String name, Cmp unchanged, Op[] ops, int bytes) {
        @Override
        public String toString() {
            return "unit " + name;
        }
    }

    /**
     * One read of the batch, then compare-and-set writes of what changes, split by bytes (units
     * are up to the size limit each); the names of a write that lost a race are read again.
     */
    private void setDesiredBatch(List<String> batch, java.util.Map<String, DesiredState> desired,
                                 java.util.Map<String, Boolean> results) {
        List<String> names = batch;
        for (int attempt = 0; attempt < 20 && !names.isEmpty(); attempt++) {
            List<String> reading = names;
            TxnResponse read = await(client.getKVClient().txn()
                    .Then(reading.stream().map(n -> Op.get(keys.unit(n), GetOption.DEFAULT)).toArray(Op[]::new))
                    .commit(), "read units");
            List<DesiredWrite> writes = new ArrayList<>();
            for (int i = 0; i < reading.size(); i++) {
                String name = reading.get(i);
                List<KeyValue> kvs = read.getGetResponses().get(i).getKvs();
                if (kvs.isEmpty()) {
                    results.put(name, false);
                    continue;
                }
                UnitRecord now = decodeUnit(name, kvs.get(0).getValue());
                DesiredState wanted = desired.get(name);
                if (now.desired() == wanted) {
                    results.put(name, true);
                    continue;
                }
                StoredUnit stored = storeUnit(now.withDesired(wanted), UnitFacts.of(now).global());
                writes.add(new DesiredWrite(name, new Cmp(keys.unit(name), Cmp.Op.EQUAL,
                        CmpTarget.modRevision(kvs.get(0).getModRevision())), stored.ops(), stored.bytes()));
            }
            List<String> lost = new ArrayList<>();
            for (List<DesiredWrite> txn : Batches.byWeight(writes, w -> w.ops().length, DesiredWrite::bytes)) {
                boolean written = await(client.getKVClient().txn()
                        .If(txn.stream().map(DesiredWrite::unchanged).toArray(Cmp[]::new))
                        .Then(txn.stream().flatMap(w -> java.util.Arrays.stream(w.ops())).toArray(Op[]::new))
                        .commit(), "set desired states").isSucceeded();
                for (DesiredWrite w : txn) {
                    if (written) {
                        results.put(w.name(), true);
                    } else {
                        lost.add(w.name());
                    }
                }
            }
            names = lost;
        }
        if (!names.isEmpty()) {
            throw new RegistryException("set desired states of " + names.size() + " units: too much contention, try again");
        }
    }

    @Override
    public boolean deleteUnit(String name) {
        TxnResponse response = await(client.getKVClient().txn()
                .Then(Op.delete(keys.unit(name), io.etcd.jetcd.options.DeleteOption.DEFAULT),
                        Op.delete(keys.global(name), io.etcd.jetcd.options.DeleteOption.DEFAULT))
                .commit(), "delete unit " + name);
        return response.getDeleteResponses().get(0).getDeleted() > 0;
    }

    @Override
    public Versioned<List<UnitRecord>> globalUnits() {
        return list(keys.globalsPrefix(), EtcdRegistry::decodeUnit, "list global units");
    }

    // ---- assignments ----

    @Override
    public Versioned<List<Assignment>> assignments() {
        return list(keys.assignPrefix(), EtcdRegistry::decodeAssignment, "list assignments");
    }

    /** key is "machine/unit". */
    static Assignment decodeAssignment(String key, ByteSequence value) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        return Codec.decode(value, Codec.AssignmentValue.class).assignment(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Transactions of one phase in flight at once: etcd commits concurrent ones together. */
    private static final int MAX_TXNS_IN_FLIGHT = 8;

    @Override
    public boolean applyAssignments(long fencingRevision, List<AssignmentChange> changes) {
        Cmp stillLeader = new Cmp(keys.engineLeader(), Cmp.Op.EQUAL, CmpTarget.createRevision(fencingRevision));
        // Unassigns must land before the assigns after them (a moved unit is never on two
        // machines), so each run of unassigns is a phase that completes before the next begins.
        // Within a phase the keys are distinct and the batches go out concurrently.
        int from = 0;
        while (from < changes.size()) {
            boolean unassigns = changes.get(from) instanceof AssignmentChange.Unassign;
            int to = from;
            while (to < changes.size() && (changes.get(to) instanceof AssignmentChange.Unassign) == unassigns) {
                to++;
            }
            if (!applyPhase(stillLeader, changes.subList(from, to))) {
                return false;
            }
            from = to;
        }
        return true;
    }

    private boolean applyPhase(Cmp stillLeader, List<AssignmentChange> phase) {
        List<CompletableFuture<TxnResponse>> inFlight = new ArrayList<>();
        boolean ok = true;
        for (List<Write> batch : Batches.byWeight(phase.stream().map(this::write).toList(), w -> 1, Write::bytes)) {
            Op[] ops = batch.stream().map(Write::op).toArray(Op[]::new);
            inFlight.add(client.getKVClient().txn().If(stillLeader).Then(ops).commit());
            if (inFlight.size() == MAX_TXNS_IN_FLIGHT) {
                ok &= awaitAll(inFlight);
                if (!ok) {
                    return false;
                }
            }
        }
        return awaitAll(inFlight) && ok;
    }

    /** Waits for every transaction (none is left running unobserved); true if all succeeded. */
    private static boolean awaitAll(List<CompletableFuture<TxnResponse>> txns) {
        boolean ok = true;
        RegistryException failure = null;
        for (CompletableFuture<TxnResponse> txn : txns) {
            try {
                ok &= await(txn, "write assignments").isSucceeded();
            } catch (RegistryException e) {
                failure = failure == null ? e : failure;
            }
        }
        txns.clear();
        if (failure != null) {
            throw failure;
        }
        return ok;
    }

    /** One operation of a batch write with the key and value bytes it sends. */
    private record Write(Op op, int bytes) {
        static Write put(ByteSequence key, ByteSequence value, PutOption option) {
            return new Write(Op.put(key, value, option), key.size() + value.size());
        }

        static Write delete(ByteSequence key) {
            return new Write(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT), key.size());
        }

        @Override
        public String toString() {
            return "a write of " + bytes + " bytes";
        }
    }

    private Write write(AssignmentChange change) {
        if (change instanceof AssignmentChange.Assign a) {
            return Write.put(keys.assignment(a.assignment().machineId(), a.assignment().unit()),
                    Codec.encode(Codec.AssignmentValue.of(a.assignment())), PutOption.DEFAULT);
        }
        if (change instanceof AssignmentChange.Unassign u) {
            return Write.delete(keys.assignment(u.machineId(), u.unit()));
        }
        if (change instanceof AssignmentChange.Waiting w) {
            return Write.put(keys.waiting(w.unit()), Keys.bytes(w.reason()), PutOption.DEFAULT);
        }
        AssignmentChange.NotWaiting n = (AssignmentChange.NotWaiting) change;
        return Write.delete(keys.waiting(n.unit()));
    }

    @Override
    public Versioned<java.util.SortedMap<String, String>> waiting() {
        java.util.SortedMap<String, String> reasons = new java.util.TreeMap<>();
        String prefix = keys.waitingPrefix();
        long revision = PagedRange.read(client.getKVClient(), Keys.bytes(prefix), "list waiting units", reasons::clear,
                page -> page.forEach(kv -> reasons.put(Keys.string(kv.getKey()).substring(prefix.length()),
                        Keys.string(kv.getValue()))));
        return new Versioned<>(java.util.Collections.unmodifiableSortedMap(reasons), revision);
    }

    // ---- unit states ----

    @Override
    public Versioned<List<UnitState>> unitStates() {
        return statesUnder(keys.statesPrefix());
    }

    @Override
    public Versioned<List<UnitState>> unitStates(String machineId) {
        return statesUnder(keys.statesPrefix() + machineId + "/");
    }

    private Versioned<List<UnitState>> statesUnder(String prefix) {
        // Keys below states/ are "machine/unit" whichever machine's subtree is listed.
        return list(prefix, (key, value) -> decodeState(prefix.substring(keys.statesPrefix().length()) + key, value),
                "list unit states");
    }

    /**
     * Everything below a prefix, sorted by key, decoded as the watches decode it (null skips an
     * entry), with the revision the read saw.
     */
    private <T> Versioned<List<T>> list(String prefix, PrefixWatcher.Decoder<T> decoder, String what) {
        List<T> items = new ArrayList<>();
        long revision = PagedRange.read(client.getKVClient(), Keys.bytes(prefix), what, items::clear, page -> {
            for (KeyValue kv : page) {
                T item = decoder.decode(Keys.string(kv.getKey()).substring(prefix.length()), kv.getValue());
                if (item != null) {
                    items.add(item);
                }
            }
        });
        return new Versioned<>(List.copyOf(items), revision);
    }

    static UnitState decodeState(String key, ByteSequence value) {
        int slash = key.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        return Codec.decode(value, Codec.StateValue.class).state(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public void publishState(MachinePresence presence, UnitState state) {
        await(client.getKVClient().put(keys.state(state.machineId(), state.unit()), Codec.encode(Codec.StateValue.of(state)),
                PutOption.builder().withLeaseId(presence.leaseId()).build()), "publish state of " + state.unit());
    }

    @Override
    public void removeState(MachinePresence presence, String unit) {
        await(client.getKVClient().delete(keys.state(presence.machine().id(), unit)), "remove state of " + unit);
    }

    @Override
    public void publishStates(MachinePresence presence, List<UnitState> states) {
        PutOption onLease = PutOption.builder().withLeaseId(presence.leaseId()).build();
        inBatches(states.stream().map(s -> Write.put(keys.state(s.machineId(), s.unit()),
                Codec.encode(Codec.StateValue.of(s)), onLease)).toList(), "publish unit states");
    }

    @Override
    public void removeStates(MachinePresence presence, List<String> units) {
        String machineId = presence.machine().id();
        inBatches(units.stream().map(u -> Write.delete(keys.state(machineId, u))).toList(), "remove unit states");
    }

    /** Writes in transactions split by operations and bytes; every write is checked before the first. */
    private void inBatches(List<Write> writes, String what) {
        for (List<Write> batch : Batches.byWeight(writes, w -> 1, Write::bytes)) {
            await(client.getKVClient().txn().Then(batch.stream().map(Write::op).toArray(Op[]::new)).commit(), what);
        }
    }

    // ---- watches ----

    @Override
    public Subscription watchMachines(java.util.function.Consumer<WatchEvent<Machine>> listener) {
        return new PrefixWatcher<>(this, Keys.string(keys.machinesPrefix()),
                (key, value) -> Codec.decode(value, Codec.MachineRecord.class).machine(), listener, "machines").start();
    }

    @Override
    public Subscription watchUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener) {
        return new PrefixWatcher<>(this, keys.unitsPrefix(), EtcdRegistry::decodeUnit, listener, "units").start();
    }

    @Override
    public Subscription watchAssignments(java.util.function.Consumer<WatchEvent<Assignment>> listener) {
        return new PrefixWatcher<>(this, keys.assignPrefix(), EtcdRegistry::decodeAssignment, listener, "assignments").start();
    }

    @Override
    public Subscription watchAssignments(String machineId, java.util.function.Consumer<WatchEvent<Assignment>> listener) {
        return new PrefixWatcher<>(this, keys.assignPrefix(machineId),
                (unit, value) -> Codec.decode(value, Codec.AssignmentValue.class).assignment(machineId, unit), listener,
                "assignments-" + machineId.substring(0, Math.min(8, machineId.length()))).start();
    }

    @Override
    public Subscription watchGlobalUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener) {
        return new PrefixWatcher<>(this, keys.globalsPrefix(), EtcdRegistry::decodeUnit, listener, "globals").start();
    }

    @Override
    public Subscription watchWaiting(java.util.function.Consumer<WatchEvent<String>> listener) {
        return new PrefixWatcher<>(this, keys.waitingPrefix(), (unit, value) -> Keys.string(value), listener, "waiting").start();
    }

    @Override
    public Subscription watchStates(java.util.function.Consumer<WatchEvent<UnitState>> listener) {
        return new PrefixWatcher<>(this, keys.statesPrefix(), EtcdRegistry::decodeState, listener, "states").start();
    }

    @Override
    public Subscription watchCluster(long afterRevision,
                                     java.util.function.Consumer<List<WatchEvent<ClusterItem>>> listener) {
        // One watch of the whole prefix: etcd orders its events by revision across every key.
        return new PrefixWatcher<>(this, keys.prefix(), EtcdRegistry::decodeClusterItem,
                new RevisionBatcher<>(listener, ClusterItem::onlyReported).asWatchListener(), "cluster")
                .startAfter(afterRevision);
    }

    private static ClusterItem decodeClusterItem(String key, ByteSequence value) {
        if (key.startsWith(ClusterItem.UNITS)) {
            return new ClusterItem.UnitItem(decodeUnit(key.substring(ClusterItem.UNITS.length()), value));
        }
        if (key.startsWith(ClusterItem.MACHINES)) {
            return new ClusterItem.MachineItem(Codec.decode(value, Codec.MachineRecord.class).machine());
        }
        if (key.startsWith(ClusterItem.STATES)) {
            return new ClusterItem.StateItem(decodeState(key.substring(ClusterItem.STATES.length()), value));
        }
        return null; // assignments, waiting reasons, globals, the leader key: not reported
    }

    /** Creates key with value on lease if absent; otherwise returns the current value. */
    TxnResponse createIfAbsent(ByteSequence key, ByteSequence value, long leaseId, String what) {
        return await(client.getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), what);
    }

    /**
     * Grants a lease. Bounded by a third of its TTL (1 to 5 s), not the usual call bound: a daemon
     * registering again after an etcd outage retries this call, and must get through within its
     * TTL of etcd's return to resume its old lease (etcd restarts leases with a full TTL).
     */
    long grantLease(Duration ttl, String what) {
        long boundMs = Math.max(1000, Math.min(CALL_TIMEOUT.toMillis(), ttl.toMillis() / 3));
        CompletableFuture<io.etcd.jetcd.lease.LeaseGrantResponse> grant = client.getLeaseClient().grant(Math.max(1, ttl.toSeconds()));
        try {
            return grant.get(boundMs, TimeUnit.MILLISECONDS).getID();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new RegistryException(what + ": " + LeaseKeeper.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            grant.cancel(true);
            throw new RegistryException(what + ": etcd did not answer within " + boundMs + " ms", e);
        }
    }

    /** Remaining TTL of a lease in seconds; -1 if it no longer exists. */
    long leaseTimeToLive(long leaseId) {
        return await(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT), "read lease TTL").getTTL();
    }

    void revokeQuietly(long leaseId) {
        try {
            client.getLeaseClient().revoke(leaseId).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The lease then expires by itself within its TTL.
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(what + ": interrupted", e);
        } catch (ExecutionException e) {
            if (WriteRefusedException.isRefusal(e)) {
                throw new WriteRefusedException(what + ": etcd refuses the request for good: " + LeaseKeeper.rootMessage(e),
                        e.getCause());
            }
            throw new RegistryException(what + ": " + LeaseKeeper.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new RegistryException(what + ": etcd did not answer within " + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }

    @Override
    public void close() {
        reconnector.close();
        scheduler.shutdownNow();
        client.close();
    }
}
