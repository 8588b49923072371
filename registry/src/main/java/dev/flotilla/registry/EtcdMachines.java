package dev.flotilla.registry;

import dev.flotilla.model.Machine;
import dev.flotilla.model.MetadataOverride;
import dev.flotilla.registry.EtcdConnection.Write;

import io.etcd.jetcd.options.PutOption;

import java.time.Duration;
import java.util.List;

/**
 * Machine registrations ({@code machines/<id>}, on a lease) and metadata overrides ({@code
 * metadata/<id>/<key>}, without one) in etcd.
 */
final class EtcdMachines implements Machines {
    private final EtcdConnection etcd;
    private final Keys keys;

    EtcdMachines(EtcdConnection etcd) {
        this.etcd = etcd;
        this.keys = etcd.keys();
    }

    @Override
    public Versioned<List<Machine>> machines() {
        return etcd.list(Keys.string(keys.machinesPrefix()), (key, value) -> Codec.decode(value, Codec.MachineRecord.class).machine(),
                "list machines");
    }

    @Override
    public MachinePresence register(Machine machine, Duration ttl, String session, Duration conflictWait) {
        return EtcdMachinePresence.register(etcd, machine, ttl, session, conflictWait);
    }

    @Override
    public void overrideMetadata(List<MetadataOverride> overrides) {
        overrides.forEach(MetadataOverride::check);
        etcd.inBatches(overrides.stream().map(o -> Write.put(keys.metadata(o.machineId(), o.key()), Keys.bytes(o.value()),
                PutOption.DEFAULT)).toList(), "write machine metadata");
    }

    @Override
    public Versioned<java.util.Map<String, String>> metadataOverrides(String machineId) {
        Versioned<List<String[]>> pairs = etcd.list(keys.metadataPrefix(machineId),
                (key, value) -> new String[]{key, Keys.string(value)}, "read machine metadata");
        java.util.Map<String, String> overrides = new java.util.TreeMap<>();
        pairs.value().forEach(p -> overrides.put(p[0], p[1]));
        return new Versioned<>(java.util.Collections.unmodifiableMap(BoundedOverrides.usable(machineId, overrides)),
                pairs.revision());
    }

    @Override
    public Subscription watchMetadataOverrides(String machineId, java.util.function.Consumer<WatchEvent<String>> listener) {
        return new PrefixWatcher<>(etcd, keys.metadataPrefix(machineId), (key, value) -> Keys.string(value),
                new BoundedOverrides(machineId, listener), "metadata").start();
    }

    @Override
    public Subscription watchMachines(java.util.function.Consumer<WatchEvent<Machine>> listener) {
        return new PrefixWatcher<>(etcd, Keys.string(keys.machinesPrefix()),
                (key, value) -> Codec.decode(value, Codec.MachineRecord.class).machine(), listener, "machines").start();
    }
}
