package dev.flotilla.registry;

import dev.flotilla.model.UnitFailure;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.util.List;
import java.util.Optional;

import static dev.flotilla.registry.EtcdConnection.await;

/** Failure records in etcd: {@code failures/<unit>}, written fenced on the leader key. */
final class EtcdUnitFailures implements UnitFailures {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdUnitFailures(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public Versioned<List<UnitFailure>> unitFailures() {
        return etcd.list(keys.failuresPrefix(), (unit, value) -> Codec.decode(value, Codec.FailureValue.class).failure(unit),
                "list unit failures");
    }

    @Override
    public Optional<UnitFailure> unitFailure(String unit) {
        var kvs = await(client.getKVClient().get(keys.failure(unit), GetOption.DEFAULT), "read failure of " + unit).getKvs();
        return kvs.isEmpty() ? Optional.empty()
                : Optional.of(Codec.decode(kvs.get(0).getValue(), Codec.FailureValue.class).failure(unit));
    }

    @Override
    public boolean putUnitFailure(long fencingRevision, UnitFailure failure) {
        return fenced(fencingRevision, Op.put(keys.failure(failure.unit()), Codec.encode(Codec.FailureValue.of(failure)),
                PutOption.DEFAULT), "write failure of " + failure.unit());
    }

    @Override
    public boolean removeUnitFailure(long fencingRevision, String unit) {
        return fenced(fencingRevision, Op.delete(keys.failure(unit), DeleteOption.DEFAULT), "remove failure of " + unit);
    }

    private boolean fenced(long fencingRevision, Op op, String what) {
        Cmp stillLeader = new Cmp(keys.engineLeader(), Cmp.Op.EQUAL, CmpTarget.createRevision(fencingRevision));
        return await(client.getKVClient().txn().If(stillLeader).Then(op).commit(), what).isSucceeded();
    }
}
