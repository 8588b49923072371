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
        return Page.ofMachine(machineId, after, below -> etcd.page(keys.statesPrefix() + machinePart, below, limit,
                (unit, value) -> EtcdConnection.decodeState(machinePart + unit, value), "list unit states"));
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

    private List<UnitState> pointReads(List<io.etcd.jetcd.ByteSequence> stateKeys, String what) {
        List<UnitState> found = new java.util.ArrayList<>();
        for (io.etcd.jetcd.KeyValue kv : etcd.pointReads(stateKeys, what)) {
            UnitState s = kv == null ? null
                    : EtcdConnection.decodeState(Keys.string(kv.getKey()).substring(keys.statesPrefix().length()), kv.getValue());
            if (s != null) {
                found.add(s);
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

    @Override
    public ProgressWatch watchStates(java.util.function.Consumer<WatchEvent<UnitState>> listener,
                                     java.util.function.LongConsumer caughtUp) {
        return new PrefixWatcher<>(etcd, keys.statesPrefix(), EtcdConnection::decodeState, listener, "states")
                .reportingProgress(caughtUp).start();
    }
}
