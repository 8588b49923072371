package dev.flotilla.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/** The registry contract against a real etcd, each test under its own key prefix. */
@Tag("etcd")
class EtcdRegistryContractTest extends RegistryContract {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    private EtcdConfig config;

    @BeforeEach
    void prefix() {
        config = etcd.newConfig();
    }

    @Override
    protected Registry connect() {
        return Registry.connect(config);
    }

    @Override
    protected void eventually(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(20)).until(condition);
    }
}
