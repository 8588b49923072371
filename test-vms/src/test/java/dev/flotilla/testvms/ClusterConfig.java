package dev.flotilla.testvms;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The cluster a test class gets from {@code @ExtendWith(ClusterExtension.class)}. Without this
 * annotation: 3 machines, machine ttl 3 s, waiting for flotd.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ClusterConfig {
    /** Number of machines, named m1..mN. */
    int machines() default 3;

    /** machine_ttl of every flotd, in seconds. */
    int ttlSeconds() default 3;

    /** What bring-up (and {@link Cluster#start}) waits for. */
    Readiness readiness() default Readiness.FLOTD;

    /** Bound of the wait for readiness, in seconds. */
    int timeoutSeconds() default 60;

    /** flotd's log_level in every machine. */
    String logLevel() default "info";

    /** etcd members on the host's loopback (every flotd is given all of them); 3 survives one member's loss. */
    int etcdMembers() default 1;

    /**
     * The API on each machine's unix socket only, as flotd ships: no TCP listener, so nothing on the
     * host can reach a machine's API ({@code cluster up --unix-api-only}); flotctl runs inside.
     */
    boolean unixApiOnly() default false;

    /**
     * Lines added to every machine's flotd.conf ({@code cluster up --flotd-conf}), e.g.
     * {@code capacity_memory=1536M}.
     */
    String[] flotdConf() default {};
}
