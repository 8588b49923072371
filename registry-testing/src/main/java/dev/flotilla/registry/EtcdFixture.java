package dev.flotilla.registry;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real etcd (the etcd binary) on free loopback ports, for one test class:
 * {@code @RegisterExtension static final EtcdFixture etcd = new EtcdFixture();}
 * Each {@link #newConfig()} gets its own key prefix, so tests in a class don't see each other.
 */
public final class EtcdFixture implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START = Duration.ofSeconds(30);
    private Path dir;
    private EtcdProcess etcd;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("flotilla-etcd-test");
        etcd = EtcdProcess.startOnFreePorts(dir.resolve("data"), START);
        warmUp();
    }

    /**
     * One answered call before the tests: the first call of a JVM loads the client's classes and
     * opens its channel, which on a loaded machine can outlast the registry's 5 s bound on a call.
     */
    private void warmUp() {
        try (Registry r = Registry.connect(EtcdConfig.of(endpoint()).withPrefix("/warm-up/"))) {
            Awaitility.await().atMost(START).ignoreExceptions().until(() -> r.units() != null);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (etcd != null) {
            etcd.kill();
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public String endpoint() {
        return etcd.clientUrl();
    }

    /** A config with a fresh key prefix. */
    public EtcdConfig newConfig() {
        return EtcdConfig.of(endpoint()).withPrefix("/test-" + UUID.randomUUID().toString().substring(0, 8) + "/");
    }

    public void stop() {
        etcd.stop();
    }

    public void kill() {
        etcd.kill();
    }

    /** SIGSTOP: etcd stops answering, its connections stay open. */
    public void freeze() {
        etcd.freeze();
    }

    public void thaw() {
        etcd.thaw();
    }

    public void start() {
        etcd.startAgain(START);
    }

    public void restart() {
        etcd.restart(START);
    }
}
