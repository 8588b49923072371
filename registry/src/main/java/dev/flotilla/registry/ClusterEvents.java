package dev.flotilla.registry;

import java.util.List;
import java.util.function.Consumer;

/** The store's revision and one ordered watch of units, machines and unit states together. */
public interface ClusterEvents {

    /** The store's current revision (etcd's, for the whole cluster): what a read now would see. */
    long revision();

    /**
     * Units, machines and unit states in one watch, in revision order across all three (keys as
     * in {@link ClusterItem}), handed over by whole revisions: each call gets a Snapshot alone or
     * every change of one revision. With {@code afterRevision > 0} it starts with the changes
     * after that revision, without a Snapshot, when the store can still replay them; otherwise,
     * and after any gap, a Snapshot comes first.
     */
    Subscription watchCluster(long afterRevision, Consumer<List<WatchEvent<ClusterItem>>> listener);
}
