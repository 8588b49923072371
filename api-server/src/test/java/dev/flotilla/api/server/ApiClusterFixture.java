package dev.flotilla.api.server;

import dev.flotilla.registry.EtcdFixture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One etcd for the test class and, for each test, a fresh {@link ApiCluster} over it (its own key
 * prefix and socket folder), closed after the test. Tests take the cluster as a parameter of their
 * {@code @BeforeEach} or test methods.
 */
final class ApiClusterFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private final EtcdFixture etcd = new EtcdFixture();
    private ApiCluster cluster;
    private Path dir;

    /** etcd's client URL, for tests that talk to etcd themselves. */
    String etcdEndpoint() {
        return etcd.endpoint();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        etcd.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        etcd.afterAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("flotilla-api-test");
        cluster = new ApiCluster(etcd, dir);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            cluster = null;
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ApiCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster;
    }
}
