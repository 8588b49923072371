package dev.flotilla.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd.
 *
 * @param endpoints client URLs, e.g. http://127.0.0.1:2379
 * @param prefix    key prefix for all of Flotilla's data, ending in '/'
 * @param caFile    CA bundle for TLS to etcd (https endpoints), optional
 * @param certFile  client certificate, optional
 * @param keyFile   client key (PKCS#8 PEM), optional
 * @param lanes     where the registry's serial work runs (each watch's delivery): a thread per watch
 *                  by default; a process with thousands of watches gives them a shared pool. The
 *                  lease keep-alives never run there (their own thread per connection).
 */
public record EtcdConfig(List<String> endpoints, String prefix, Optional<Path> caFile,
                         Optional<Path> certFile, Optional<Path> keyFile, Lanes lanes) {
    public static final String DEFAULT_PREFIX = "/flotilla/";

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(lanes, "lanes");
        if (!prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
    }

    /** With a thread per watch ({@link Lanes#dedicated()}). */
    public EtcdConfig(List<String> endpoints, String prefix, Optional<Path> caFile, Optional<Path> certFile,
                      Optional<Path> keyFile) {
        this(endpoints, prefix, caFile, certFile, keyFile, Lanes.dedicated());
    }

    public static EtcdConfig of(String... endpoints) {
        return new EtcdConfig(List.of(endpoints), DEFAULT_PREFIX, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public EtcdConfig withPrefix(String newPrefix) {
        return new EtcdConfig(endpoints, newPrefix, caFile, certFile, keyFile, lanes);
    }

    public EtcdConfig withLanes(Lanes value) {
        return new EtcdConfig(endpoints, prefix, caFile, certFile, keyFile, value);
    }
}
