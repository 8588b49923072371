package dev.flotilla.registry;

import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static dev.flotilla.registry.EtcdConnection.MAX_TXNS_IN_FLIGHT;
import static dev.flotilla.registry.EtcdConnection.await;

/**
 * Units in etcd: {@code units/<name>}, and the index of global units, {@code globals/<name>}, kept
 * in step in the same transactions.
 */
final class EtcdUnits implements Units {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdUnits(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public Versioned<List<UnitRecord>> units() {
        return etcd.list(keys.unitsPrefix(), EtcdConnection::decodeUnit, "list units");
    }

    @Override
    public Page<UnitRecord> unitsAfter(String after, int limit) {
        return etcd.page(keys.unitsPrefix(), after, limit, EtcdConnection::decodeUnit, "list units");
    }

    @Override
    public Optional<Versioned<UnitRecord>> unit(String name) {
        GetResponse response = await(client.getKVClient().get(keys.unit(name)), "read unit " + name);
        return response.getKvs().stream().findFirst()
                .map(kv -> new Versioned<>(EtcdConnection.decodeUnit(name, kv.getValue()), kv.getModRevision()));
    }

    @Override
    public java.util.Map<String, UnitRecord> namedUnits(java.util.Collection<String> names) {
        List<String> distinct = List.copyOf(new java.util.LinkedHashSet<>(names));
        List<KeyValue> read = etcd.pointReads(distinct.stream().map(keys::unit).toList(), "read " + distinct.size() + " units");
        java.util.Map<String, UnitRecord> found = new java.util.HashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
            if (read.get(i) != null) {
                found.put(distinct.get(i), EtcdConnection.decodeUnit(distinct.get(i), read.get(i).getValue()));
            }
        }
        return found;
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

    /** The ops that replace a unit (and its index entry), for a rollout's fenced writes. */
    Op[] replaceOps(UnitRecord unit) {
        return writeUnit(unit, true);
    }

    /** The op that replaces the unit's record alone, leaving a global's index entry as it is. */
    Op[] recordOnlyOps(UnitRecord unit) {
        return new Op[]{Op.put(keys.unit(unit.name()), Codec.encodeUnit(unit), PutOption.DEFAULT)};
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
                UnitRecord now = EtcdConnection.decodeUnit(name, kvs.get(0).getValue());
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
        return etcd.list(keys.globalsPrefix(), EtcdConnection::decodeUnit, "list global units");
    }

    @Override
    public Subscription watchUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener) {
        return new PrefixWatcher<>(etcd, keys.unitsPrefix(), EtcdConnection::decodeUnit, listener, "units").start();
    }

    @Override
    public Subscription watchGlobalUnits(java.util.function.Consumer<WatchEvent<UnitRecord>> listener) {
        return new PrefixWatcher<>(etcd, keys.globalsPrefix(), EtcdConnection::decodeUnit, listener, "globals").start();
    }
}
