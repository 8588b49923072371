package dev.flotilla.testvms;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.lang.annotation.Annotation;

/**
 * Brings up a local cluster (test-vms/cluster) once per test class and tears it down after the
 * class; {@link Cluster} parameters of constructors, {@code @BeforeAll}/{@code @BeforeEach} and
 * test methods are injected.
 *
 * <pre>{@code
 * @Tag("functional")
 * @ExtendWith(ClusterExtension.class)
 * @ClusterConfig(machines = 3)
 * class FailoverTest {
 *     @Test
 *     void leaderMoves(Cluster cluster) { ... }
 * }
 *
 * // or, with the cluster in a field:
 * @RegisterExtension
 * static final ClusterExtension CLUSTER = ClusterExtension.withMachines(3).ttlSeconds(2).build();
 * ... CLUSTER.cluster().leader() ...
 * }</pre>
 *
 * <p>A {@code @RegisterExtension} field must be static (per-class lifecycle). Nested test classes
 * share the cluster of their enclosing class.
 */
public final class ClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ClusterExtension.class);
    private static final String KEY = "cluster";

    private final ClusterConfig explicit;
    private volatile Cluster cluster;

    /** Used by {@code @ExtendWith}: configured by the test class's {@link ClusterConfig} (or its defaults). */
    public ClusterExtension() {
        this(null);
    }

    private ClusterExtension(ClusterConfig explicit) {
        this.explicit = explicit;
    }

    public static Builder withMachines(int machines) {
        return new Builder().machines(machines);
    }

    /** The cluster of the running test class (for {@code @RegisterExtension} users). */
    public Cluster cluster() {
        Cluster c = cluster;
        if (c == null) {
            throw new IllegalStateException("the cluster is not up (is the @RegisterExtension field static?)");
        }
        return c;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (context.getStore(NS).get(KEY, Cluster.class) != null) {
            return;   // a nested class: the enclosing class's cluster is used
        }
        ClusterConfig config = explicit != null ? explicit
                : AnnotationSupport.findAnnotation(context.getRequiredTestClass(), ClusterConfig.class)
                        .orElse(Builder.DEFAULTS);
        Cluster c = Cluster.start(config, context.getRequiredTestClass().getSimpleName());
        cluster = c;
        context.getStore(NS).put(KEY, c);
        context.getStore(NS).put(KEY + ".owner", context.getUniqueId());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String owner = context.getStore(NS).get(KEY + ".owner", String.class);
        if (!context.getUniqueId().equals(owner)) {
            return;
        }
        Cluster c = context.getStore(NS).remove(KEY, Cluster.class);
        cluster = null;
        if (c != null) {
            c.close();
            System.out.println("cluster down; state, console logs and journals kept in " + c.stateDir()
                    + " until the next bring-up; flotd's and etcd's logs in "
                    + c.stateDir().resolveSibling("flotilla-cluster-logs").resolve(context.getRequiredTestClass().getSimpleName()));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Cluster c = extensionContext.getStore(NS).get(KEY, Cluster.class);
        if (c == null) {
            throw new ParameterResolutionException("no cluster is up for " + extensionContext.getDisplayName());
        }
        return c;
    }

    /** Configuration for {@code @RegisterExtension}. */
    public static final class Builder {
        static final ClusterConfig DEFAULTS = new Builder().config();

        private int machines = 3;
        private int ttlSeconds = 3;
        private Readiness readiness = Readiness.FLOTD;
        private int timeoutSeconds = 60;
        private String logLevel = "info";
        private int etcdMembers = 1;
        private boolean unixApiOnly;
        private String[] flotdConf = {};

        public Builder machines(int machines) {
            if (machines < 1) {
                throw new IllegalArgumentException("machines must be >= 1");
            }
            this.machines = machines;
            return this;
        }

        public Builder ttlSeconds(int ttlSeconds) {
            this.ttlSeconds = ttlSeconds;
            return this;
        }

        public Builder readiness(Readiness readiness) {
            this.readiness = readiness;
            return this;
        }

        public Builder timeoutSeconds(int timeoutSeconds) {
            this.timeoutSeconds = timeoutSeconds;
            return this;
        }

        public Builder logLevel(String logLevel) {
            this.logLevel = logLevel;
            return this;
        }

        public Builder etcdMembers(int etcdMembers) {
            this.etcdMembers = etcdMembers;
            return this;
        }

        public Builder unixApiOnly(boolean unixApiOnly) {
            this.unixApiOnly = unixApiOnly;
            return this;
        }

        public Builder flotdConf(String... lines) {
            this.flotdConf = lines.clone();
            return this;
        }

        public ClusterExtension build() {
            return new ClusterExtension(config());
        }

        private ClusterConfig config() {
            int m = machines;
            int ttl = ttlSeconds;
            Readiness r = readiness;
            int t = timeoutSeconds;
            String level = logLevel;
            int members = etcdMembers;
            boolean unixOnly = unixApiOnly;
            String[] conf = flotdConf.clone();
            return new ClusterConfig() {
                @Override
                public Class<? extends Annotation> annotationType() {
                    return ClusterConfig.class;
                }

                @Override
                public int machines() {
                    return m;
                }

                @Override
                public int ttlSeconds() {
                    return ttl;
                }

                @Override
                public Readiness readiness() {
                    return r;
                }

                @Override
                public int timeoutSeconds() {
                    return t;
                }

                @Override
                public String logLevel() {
                    return level;
                }

                @Override
                public int etcdMembers() {
                    return members;
                }

                @Override
                public boolean unixApiOnly() {
                    return unixOnly;
                }

                @Override
                public String[] flotdConf() {
                    return conf.clone();
                }
            };
        }
    }
}
