package dev.flotilla.registry;

import dev.flotilla.model.Rollout;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static dev.flotilla.registry.EtcdConnection.await;

/**
 * Rollout records ({@code rollouts/<id>}) and the units they hold ({@code rollout-units/<unit>} = id)
 * in etcd. Creation takes every unit in the transaction that stores the record; the engine's
 * writes are fenced on the leader key like its assignments.
 */
final class EtcdRollouts implements Rollouts {
    private final EtcdConnection etcd;
    private final EtcdUnits units;
    private final Client client;
    private final Keys keys;

    EtcdRollouts(EtcdConnection etcd, EtcdUnits units) {
        this.etcd = etcd;
        this.units = units;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    static ByteSequence encode(Rollout r) {
        return Codec.encode(Codec.RolloutValue.of(r));
    }

    static Rollout decode(ByteSequence value) {
        return Codec.decode(value, Codec.RolloutValue.class).rollout();
    }

    /** The bounds every registry checks before it writes a new rollout. */
    static void checkSize(Rollout r, int encodedBytes) {
        if (r.units().isEmpty()) {
            throw new IllegalArgumentException("a rollout needs at least one unit");
        }
        if (r.units().size() > MAX_UNITS) {
            throw new IllegalArgumentException("a rollout takes at most " + MAX_UNITS + " units, not " + r.units().size());
        }
        if (encodedBytes > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("the rollout's record would take " + encodedBytes
                    + " bytes (its texts included); the limit is " + MAX_RECORD_BYTES);
        }
    }

    @Override
    public List<Versioned<Rollout>> rollouts() {
        List<Versioned<Rollout>> all = new ArrayList<>();
        PagedRange.read(client.getKVClient(), Keys.bytes(keys.rolloutsPrefix()), "list rollouts", all::clear,
                page -> page.forEach(kv -> all.add(new Versioned<>(decode(kv.getValue()), kv.getModRevision()))));
        return List.copyOf(all);
    }

    @Override
    public Optional<Versioned<Rollout>> rollout(String id) {
        GetResponse r = await(client.getKVClient().get(keys.rollout(id)), "read rollout " + id);
        return r.getKvs().stream().findFirst().map(kv -> new Versioned<>(decode(kv.getValue()), kv.getModRevision()));
    }

    @Override
    public Creation createRollout(Rollout rollout) {
        ByteSequence value = encode(rollout);
        checkSize(rollout, value.size());
        List<Cmp> free = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        free.add(new Cmp(keys.rollout(rollout.id()), Cmp.Op.EQUAL, CmpTarget.version(0)));
        ops.add(Op.put(keys.rollout(rollout.id()), value, PutOption.DEFAULT));
        for (String unit : rollout.unitNames()) {
            free.add(new Cmp(keys.rolloutLock(unit), Cmp.Op.EQUAL, CmpTarget.version(0)));
            ops.add(Op.put(keys.rolloutLock(unit), Keys.bytes(rollout.id()), PutOption.DEFAULT));
        }
        // On refusal, read the locks back to name the rollout in the way.
        List<Op> reads = rollout.unitNames().stream().<Op>map(u -> Op.get(keys.rolloutLock(u), GetOption.DEFAULT)).toList();
        TxnResponse response = await(client.getKVClient().txn().If(free.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new))
                .Else(reads.toArray(Op[]::new)).commit(), "create rollout " + rollout.id());
        if (response.isSucceeded()) {
            return new Creation.Created(response.getHeader().getRevision());
        }
        List<GetResponse> held = response.getGetResponses();
        for (int i = 0; i < held.size(); i++) {
            List<KeyValue> kvs = held.get(i).getKvs();
            if (!kvs.isEmpty()) {
                return new Creation.Busy(rollout.unitNames().get(i), Keys.string(kvs.get(0).getValue()));
            }
        }
        throw new IllegalArgumentException("a rollout with id " + rollout.id() + " exists");
    }

    @Override
    public boolean requestRollout(String id, Rollout.Request request, long expectedRevision) {
        Optional<Versioned<Rollout>> current = rollout(id);
        if (current.isEmpty() || current.get().revision() != expectedRevision) {
            return false;
        }
        return await(client.getKVClient().txn()
                .If(new Cmp(keys.rollout(id), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                .Then(Op.put(keys.rollout(id), encode(current.get().value().withRequest(request)), PutOption.DEFAULT))
                .commit(), "request " + request + " of rollout " + id).isSucceeded();
    }

    private Cmp stillLeader(long fencingRevision) {
        return new Cmp(keys.engineLeader(), Cmp.Op.EQUAL, CmpTarget.createRevision(fencingRevision));
    }

    @Override
    public long advanceRollout(long fencingRevision, Rollout next, long expectedRevision, boolean release) {
        List<Op> ops = new ArrayList<>();
        ops.add(Op.put(keys.rollout(next.id()), encode(next), PutOption.DEFAULT));
        if (release) {
            next.unitNames().forEach(u -> ops.add(Op.delete(keys.rolloutLock(u), DeleteOption.DEFAULT)));
        }
        TxnResponse response = await(client.getKVClient().txn()
                .If(stillLeader(fencingRevision),
                        new Cmp(keys.rollout(next.id()), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                .Then(ops.toArray(Op[]::new)).commit(), "advance rollout " + next.id());
        return response.isSucceeded() ? response.getHeader().getRevision() : 0;
    }

    @Override
    public boolean writeRolloutUnits(long fencingRevision, List<UnitWrite> writes) {
        // One transaction per unit: a unit changed by someone else does not hold back the others.
        List<java.util.concurrent.CompletableFuture<TxnResponse>> txns = new ArrayList<>();
        for (UnitWrite w : writes) {
            txns.add(client.getKVClient().txn()
                    .If(stillLeader(fencingRevision),
                            new Cmp(keys.unit(w.unit().name()), Cmp.Op.EQUAL, CmpTarget.modRevision(w.expectedRevision())))
                    .Then(w.recordOnly() ? units.recordOnlyOps(w.unit()) : units.replaceOps(w.unit()))
                    .Else(Op.get(keys.engineLeader(), GetOption.DEFAULT))
                    .commit());
        }
        boolean leading = true;
        for (java.util.concurrent.CompletableFuture<TxnResponse> txn : txns) {
            TxnResponse r = await(txn, "write a rollout's unit");
            if (!r.isSucceeded()) {
                List<KeyValue> leader = r.getGetResponses().get(0).getKvs();
                leading &= !leader.isEmpty() && leader.get(0).getCreateRevision() == fencingRevision;
            }
        }
        return leading;
    }

    @Override
    public boolean deleteRollout(long fencingRevision, String id) {
        return await(client.getKVClient().txn().If(stillLeader(fencingRevision))
                .Then(Op.delete(keys.rollout(id), DeleteOption.DEFAULT)).commit(), "delete rollout " + id).isSucceeded();
    }

    @Override
    public Subscription watchRollouts(Consumer<WatchEvent<Rollout>> listener) {
        return new PrefixWatcher<>(etcd, keys.rolloutsPrefix(), (id, value) -> decode(value), listener, "rollouts").start();
    }
}
