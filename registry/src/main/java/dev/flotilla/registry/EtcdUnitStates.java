package dev.flotilla.registry;

import dev.flotilla.model.UnitState;
import dev.flotilla.registry.EtcdConnection.Write;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;

import java.util.List;

import static dev.flotilla.registry.EtcdConnection.await;

/** Unit states in etcd: {@code states/<machine>/<unit>}, on the publishing machine's lease. */
final class EtcdUnitStates implements UnitStates {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdUnitStates(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public Versioned<List<UnitState>> unitStates() {
        return statesUnder(keys.statesPrefix());
    }

    @Override
    public Versioned<List<UnitState>> unitStates(String machineId) {
        return statesUnder(keys.statesPrefix() + machineId + "/");
    }

    @Override
    public Page<UnitState> unitStatesAfter(String machineId, String after, int limit) {
        if (machineId.isEmpty()) {
            return etcd.page(keys.statesPrefix(), after, limit, EtcdConnection::decodeState, "list unit states");
        }
        String machinePart = machineId + "/";
        if (!after.isEmpty() && after.compareTo(machinePart) < 0) {
            after = ""; // a key before this machine's: its first page
        } else if (!after.isEmpty() && !after.startsWith(machinePart)) {
            return new Page<>(List.of(), false, after, 0); // a key past this machine's: nothing left
        }
        String below = after.isEmpty() ? "" : after.substring(machinePart.length());
        Page<UnitState> page = etcd.page(keys.statesPrefix() + machinePart, below, limit,
                (unit, value) -> EtcdConnection.decodeState(machinePart + unit, value), "list unit states");
        return new Page<>(page.items(), page.more(), machinePart + page.next(), page.revision());
    }

    @Override
    public List<UnitState> unitStateOn(String unit, java.util.Collection<String> machineIds) {
        return pointReads(machineIds.stream().map(m -> keys.state(m, unit)).toList(), "read the states of " + unit);
    }

    @Override
    public List<UnitState> unitStatesAt(java.util.Map<String, String> machineByUnit) {
        return pointReads(machineByUnit.entrySet().stream().map(e -> keys.state(e.getValue(), e.getKey())).toList(),
                "read the states of " + machineByUnit.size() + " units");
    }

    /** Gets of the keys in transactions of at most {@link #POINT_READS_PER_TXN}, sent together. */
    private List<UnitState> pointReads(List<io.etcd.jetcd.ByteSequence> stateKeys, String what) {
        List<java.util.concurrent.CompletableFuture<io.etcd.jetcd.kv.TxnResponse>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < stateKeys.size(); i += POINT_READS_PER_TXN) {
            io.etcd.jetcd.op.Op[] gets = stateKeys.subList(i, Math.min(stateKeys.size(), i + POINT_READS_PER_TXN)).stream()
                    .map(k -> io.etcd.jetcd.op.Op.get(k, io.etcd.jetcd.options.GetOption.DEFAULT))
                    .toArray(io.etcd.jetcd.op.Op[]::new);
            sent.add(client.getKVClient().txn().Then(gets).commit());
        }
        List<UnitState> found = new java.util.ArrayList<>();
        for (var txn : sent) {
            for (var get : await(txn, what).getGetResponses()) {
                for (var kv : get.getKvs()) {
                    UnitState s = EtcdConnection.decodeState(Keys.string(kv.getKey()).substring(keys.statesPrefix().length()), kv.getValue());
                    if (s != null) {
                        found.add(s);
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    private Versioned<List<UnitState>> statesUnder(String prefix) {
        // Keys below states/ are "machine/unit" whichever machine's subtree is listed.
        return etcd.list(prefix, (key, value) -> EtcdConnection.decodeState(prefix.substring(keys.statesPrefix().length()) + key, value),
                "list unit states");
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
        etcd.inBatches(states.stream().map(s -> Write.put(keys.state(s.machineId(), s.unit()),
                Codec.encode(Codec.StateValue.of(s)), onLease)).toList(), "publish unit states");
    }

    @Override
    public void removeStates(MachinePresence presence, List<String> units) {
        String machineId = presence.machine().id();
        etcd.inBatches(units.stream().map(u -> Write.delete(keys.state(machineId, u))).toList(), "remove unit states");
    }

    @Override
    public Subscription watchStates(java.util.function.Consumer<WatchEvent<UnitState>> listener) {
        return new PrefixWatcher<>(etcd, keys.statesPrefix(), EtcdConnection::decodeState, listener, "states").start();
    }
}
