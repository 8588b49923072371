package dev.flotilla.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;

import java.util.List;

import static dev.flotilla.registry.EtcdConnection.await;

/** The revision and the one watch of the whole prefix (units, machines, states) in etcd. */
final class EtcdClusterEvents implements ClusterEvents {
    private final EtcdConnection etcd;
    private final Client client;
    private final Keys keys;

    EtcdClusterEvents(EtcdConnection etcd) {
        this.etcd = etcd;
        this.client = etcd.client();
        this.keys = etcd.keys();
    }

    @Override
    public long revision() {
        // Any key will do: the header carries the store's revision; count-only reads no value.
        GetResponse response = await(client.getKVClient().get(keys.engineLeader(),
                GetOption.builder().withCountOnly(true).build()), "read the cluster's revision");
        return response.getHeader().getRevision();
    }

    @Override
    public Subscription watchCluster(long afterRevision,
                                     java.util.function.Consumer<List<WatchEvent<ClusterItem>>> listener) {
        // One watch of the whole prefix: etcd orders its events by revision across every key.
        return new PrefixWatcher<>(etcd, keys.prefix(), EtcdClusterEvents::decodeClusterItem,
                new RevisionBatcher<>(listener, ClusterItem::onlyReported).asWatchListener(), "cluster")
                .startAfter(afterRevision);
    }

    private static ClusterItem decodeClusterItem(String key, ByteSequence value) {
        if (key.startsWith(ClusterItem.UNITS)) {
            return new ClusterItem.UnitItem(EtcdConnection.decodeUnit(key.substring(ClusterItem.UNITS.length()), value));
        }
        if (key.startsWith(ClusterItem.MACHINES)) {
            return new ClusterItem.MachineItem(Codec.decode(value, Codec.MachineRecord.class).machine());
        }
        if (key.startsWith(ClusterItem.STATES)) {
            return new ClusterItem.StateItem(EtcdConnection.decodeState(key.substring(ClusterItem.STATES.length()), value));
        }
        if (key.startsWith(ClusterItem.ROLLOUTS)) {
            return new ClusterItem.RolloutItem(EtcdRollouts.decode(value));
        }
        return null; // assignments, waiting reasons, globals, the leader key: not reported
    }
}
