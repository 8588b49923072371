package dev.flotilla.flotd;

import dev.flotilla.api.server.AccessTokens;
import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.unitfile.ResourceSyntax;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * flotd's settings: the config file's key=value lines, overridden by command-line flags.
 *
 * @param etcdEndpoints empty = start an embedded etcd under the state directory
 * @param unitDir       the agent's own folder of unit files (absolute)
 * @param systemd       false: run without systemd (the machine registers but runs no units)
 * @param apiSecurity   TLS and credentials of the TCP listener (tokens read and checked at load)
 * @param fleetSocket   where to offer the API socket under fleet's path too (a symlink), if anywhere
 * @param capacity      what this machine announces it can give to units (set outright, or detected less a reservation)
 */
record FlotdConfig(List<String> etcdEndpoints, String etcdPrefix, Optional<Path> etcdCaFile,
                   Optional<Path> etcdCertFile, Optional<Path> etcdKeyFile, Map<String, String> metadata,
                   String publicIp, Optional<Path> apiSocket, Optional<String> apiSocketGroup,
                   Optional<InetSocketAddress> apiListen, Path stateDir, Duration machineTtl, Duration engineTtl,
                   String logLevel, Path machineIdFile, Path unitDir, boolean systemd, ApiSecurity apiSecurity,
                   Optional<Path> fleetSocket, CapacitySettings capacity) {

    /** Every key the file (and the flags) know, with its default. */
    static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("etcd_endpoints", "");
        d.put("etcd_prefix", "/flotilla/");
        d.put("etcd_cafile", "");
        d.put("etcd_certfile", "");
        d.put("etcd_keyfile", "");
        d.put("metadata", "");
        d.put("public_ip", "");
        d.put("api_socket", "/run/flotilla/flotd.sock");
        d.put("api_socket_group", "");
        d.put("fleet_socket", "");
        d.put("api_listen", "");
        d.put("api_tls_cert", "");
        d.put("api_tls_key", "");
        d.put("api_tls_client_ca", "");
        d.put("api_tokens_file", "");
        d.put("api_insecure_loopback", "false");
        d.put("state_dir", "/var/lib/flotilla");
        d.put("machine_ttl", "5");
        d.put("engine_ttl", "2");
        d.put("log_level", "info");
        d.put("machine_id_file", "/etc/machine-id");
        d.put("unit_dir", "/run/flotilla/units");
        d.put("systemd", "on");
        d.put("capacity_cpu", "");
        d.put("capacity_memory", "");
        d.put("reserved_cpu", CapacitySettings.DEFAULT_RESERVED_CPU);
        d.put("reserved_memory", CapacitySettings.DEFAULT_RESERVED_MEMORY);
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");

    /** Reads the file (if it exists or was named explicitly) and applies the overrides. */
    static FlotdConfig load(Optional<Path> file, boolean fileMustExist, Map<String, String> overrides)
            throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> origin = new TreeMap<>();
        if (file.isPresent()) {
            try {
                List<String> lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
                parseLines(file.get().toString(), lines, values, origin);
            } catch (NoSuchFileException e) {
                if (fileMustExist) {
                    throw new ConfigException(file.get() + ": no such file");
                }
            } catch (IOException e) {
                throw new ConfigException(file.get() + ": cannot read: " + e.getMessage());
            }
        }
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!DEFAULTS.containsKey(o.getKey())) {
                throw new ConfigException("unknown setting " + o.getKey());
            }
            values.put(o.getKey(), o.getValue());
            origin.put(o.getKey(), "--" + o.getKey().replace('_', '-'));
        }
        return build(values, origin);
    }

    static void parseLines(String fileName, List<String> lines, Map<String, String> values, Map<String, String> origin)
            throws ConfigException {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String where = fileName + ":" + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(where + ": expected key=value, got: " + line);
            }
            String key = line.substring(0, eq).strip();
            String value = unquote(line.substring(eq + 1).strip());
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException(where + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", DEFAULTS.keySet()) + ")");
            }
            values.put(key, value);
            origin.put(key, where);
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static FlotdConfig build(Map<String, String> v, Map<String, String> origin) throws ConfigException {
        List<String> endpoints = Arrays.stream(v.get("etcd_endpoints").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String e : endpoints) {
            if (!e.startsWith("http://") && !e.startsWith("https://")) {
                throw bad(origin, "etcd_endpoints", "'" + e + "' is not an http:// or https:// URL");
            }
        }
        String level = v.get("log_level").toLowerCase(java.util.Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw bad(origin, "log_level", "'" + level + "' is not one of " + LOG_LEVELS);
        }
        Optional<InetSocketAddress> listen = listen(v.get("api_listen"), origin);
        return new FlotdConfig(endpoints, v.get("etcd_prefix"), path(v, "etcd_cafile"), path(v, "etcd_certfile"),
                path(v, "etcd_keyfile"), metadata(v.get("metadata"), origin), v.get("public_ip"),
                path(v, "api_socket"), optional(v.get("api_socket_group")), listen,
                Path.of(v.get("state_dir")), seconds(v, origin, "machine_ttl"), seconds(v, origin, "engine_ttl"),
                level, Path.of(v.get("machine_id_file")), unitDir(v.get("unit_dir"), origin), onOff(v, origin, "systemd"),
                apiSecurity(v, origin, listen), fleetSocket(v, origin), capacity(v, origin));
    }

    /** The capacity keys, in the unit files' syntax: {@code capacity_cpu=4}, {@code 3500m}; {@code capacity_memory=1536M}, {@code 1.5G}. */
    private static CapacitySettings capacity(Map<String, String> v, Map<String, String> origin) throws ConfigException {
        return new CapacitySettings(amount(v, origin, "capacity_cpu", true, true), amount(v, origin, "capacity_memory", false, true),
                amount(v, origin, "reserved_cpu", true, false), amount(v, origin, "reserved_memory", false, false));
    }

    /** @param outright a capacity (empty = detect, 0 refused) rather than a reservation (empty = 0) */
    private static long amount(Map<String, String> v, Map<String, String> origin, String key, boolean cpu, boolean outright)
            throws ConfigException {
        String text = v.get(key).strip();
        if (text.isEmpty()) {
            return 0;
        }
        long amount;
        try {
            amount = cpu ? ResourceSyntax.cpuMillis(text) : ResourceSyntax.bytes(text);
        } catch (IllegalArgumentException e) {
            throw bad(origin, key, "'" + text + "' " + e.getMessage());
        }
        if (outright && amount == 0) {
            throw bad(origin, key, "'" + text + "' is 0: a machine announces what it can give (leave it empty to detect it)");
        }
        return amount;
    }

    private static Optional<Path> fleetSocket(Map<String, String> v, Map<String, String> origin) throws ConfigException {
        Optional<Path> p = path(v, "fleet_socket");
        if (p.isPresent() && !p.get().isAbsolute()) {
            throw bad(origin, "fleet_socket", "'" + p.get() + "' must be an absolute path (fleetctl's default: /var/run/fleet.sock)");
        }
        return p;
    }

    /**
     * The TCP listener's security, checked as a whole: TCP without TLS is refused unless it binds
     * a loopback address and api_insecure_loopback=true says so.
     */
    private static ApiSecurity apiSecurity(Map<String, String> v, Map<String, String> origin,
                                           Optional<InetSocketAddress> listen) throws ConfigException {
        for (String key : List.of("api_tls_cert", "api_tls_key", "api_tls_client_ca", "api_tokens_file")) {
            Optional<Path> p = path(v, key);
            if (p.isPresent() && !Files.isReadable(p.get())) {
                throw bad(origin, key, p.get() + " is not a readable file");
            }
        }
        AccessTokens tokens = AccessTokens.none();
        if (path(v, "api_tokens_file").isPresent()) {
            try {
                tokens = AccessTokens.load(path(v, "api_tokens_file").get());
            } catch (IllegalArgumentException e) {
                throw bad(origin, "api_tokens_file", e.getMessage());
            }
        }
        ApiSecurity security;
        try {
            security = new ApiSecurity(path(v, "api_tls_cert"), path(v, "api_tls_key"), path(v, "api_tls_client_ca"),
                    tokens, onOff(v, origin, "api_insecure_loopback"));
        } catch (IllegalArgumentException e) {
            throw bad(origin, v.get("api_tls_cert").isBlank() ? "api_tls_key" : "api_tls_cert", e.getMessage());
        }
        if (listen.isPresent()) {
            Optional<String> refusal = security.refusal(listen.get());
            if (refusal.isPresent()) {
                throw bad(origin, "api_listen", refusal.get());
            }
        }
        return security;
    }

    private static Path unitDir(String text, Map<String, String> origin) throws ConfigException {
        Path p;
        try {
            p = Path.of(text.strip());
        } catch (java.nio.file.InvalidPathException e) {
            throw bad(origin, "unit_dir", "'" + text + "' is not a path");
        }
        if (!p.isAbsolute() || p.normalize().getNameCount() == 0) {
            throw bad(origin, "unit_dir", "'" + text + "' must be an absolute path of a folder the agent owns (e.g. /run/flotilla/units)");
        }
        return p.normalize();
    }

    private static boolean onOff(Map<String, String> v, Map<String, String> origin, String key) throws ConfigException {
        switch (v.get(key).strip().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes", "1":
                return true;
            case "off", "false", "no", "0":
                return false;
            default:
                throw bad(origin, key, "'" + v.get(key) + "' is not on or off");
        }
    }

    static Map<String, String> metadata(String text, Map<String, String> origin) throws ConfigException {
        Map<String, String> m = new TreeMap<>();
        for (String pair : text.split(",")) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw bad(origin, "metadata", "'" + p + "' is not key=value");
            }
            m.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return m;
    }

    private static Optional<InetSocketAddress> listen(String text, Map<String, String> origin) throws ConfigException {
        if (text.isBlank()) {
            return Optional.empty();
        }
        int colon = text.lastIndexOf(':');
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return Optional.of(InetSocketAddress.createUnresolved(text.substring(0, colon), port));
        } catch (NumberFormatException e) {
            throw bad(origin, "api_listen", "'" + text + "' is not host:port");
        }
    }

    private static Duration seconds(Map<String, String> v, Map<String, String> origin, String key) throws ConfigException {
        try {
            double s = Double.parseDouble(v.get(key));
            if (s < 1 || s > 3600) {
                throw bad(origin, key, "must be between 1 and 3600 seconds, got " + v.get(key));
            }
            return Duration.ofMillis(Math.round(s * 1000));
        } catch (NumberFormatException e) {
            throw bad(origin, key, "'" + v.get(key) + "' is not a number of seconds");
        }
    }

    private static Optional<Path> path(Map<String, String> v, String key) {
        return optional(v.get(key)).map(Path::of);
    }

    private static Optional<String> optional(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.strip());
    }

    private static ConfigException bad(Map<String, String> origin, String key, String problem) {
        return new ConfigException(origin.getOrDefault(key, "default") + ": " + key + ": " + problem);
    }
}
