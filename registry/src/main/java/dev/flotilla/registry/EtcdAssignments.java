package dev.flotilla.registry;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.EtcdConnection.Write;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.flotilla.registry.EtcdConnection.MAX_TXNS_IN_FLIGHT;
import static dev.flotilla.registry.EtcdConnection.await;

/**
 * Assignments ({@code assign/<machine>/<unit>}) and waiting reasons ({@code waiting/<unit>}) in
 * etcd, written fenced on the leader key.
 */
final class EtcdAssignments implements Assignments {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdAssignments(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public Versioned<List<Assignment>> assignments() {
        return etcd.list(keys.assignPrefix(), EtcdConnection::decodeAssignment, "list assignments");
    }

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

    @Override
    public Subscription watchAssignments(java.util.function.Consumer<WatchEvent<Assignment>> listener) {
        return new PrefixWatcher<>(etcd, keys.assignPrefix(), EtcdConnection::decodeAssignment, listener, "assignments").start();
    }

    @Override
    public ProgressWatch watchAssignments(java.util.function.Consumer<WatchEvent<Assignment>> listener,
                                          java.util.function.LongConsumer caughtUp) {
        return new PrefixWatcher<>(etcd, keys.assignPrefix(), EtcdConnection::decodeAssignment, listener, "assignments")
                .reportingProgress(caughtUp).start();
    }

    @Override
    public Subscription watchAssignments(String machineId, java.util.function.Consumer<WatchEvent<Assignment>> listener) {
        return new PrefixWatcher<>(etcd, keys.assignPrefix(machineId),
                (unit, value) -> Codec.decode(value, Codec.AssignmentValue.class).assignment(machineId, unit), listener,
                "assignments-" + machineId.substring(0, Math.min(8, machineId.length()))).start();
    }

    @Override
    public Subscription watchWaiting(java.util.function.Consumer<WatchEvent<String>> listener) {
        return new PrefixWatcher<>(etcd, keys.waitingPrefix(), (unit, value) -> Keys.string(value), listener, "waiting").start();
    }
}
