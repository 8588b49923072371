package dev.flotilla.registry;

import org.junit.jupiter.api.BeforeEach;

import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry contract against the in-memory cluster. No waiting here: once the cluster is
 * quiet, what etcd reaches eventually must already hold.
 */
class InMemoryRegistryContractTest extends RegistryContract {
    private InMemoryCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = closeLater(InMemoryCluster.create());
    }

    @Override
    protected Registry connect() {
        return cluster.connect();
    }

    @Override
    protected void eventually(Callable<Boolean> condition) throws Exception {
        cluster.awaitQuiet();
        assertTrue(condition.call(), "holds once the cluster is quiet");
    }
}
