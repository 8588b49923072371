package dev.flotilla.flotd;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * flotd's command line, parsed without a framework: the daemon stays resident, and a command-line
 * library's ~170 classes would stay loaded for a parse done once. Every option is a config key
 * ({@code --etcd-endpoints=URLS} is {@code etcd_endpoints}); {@code --name=value} and
 * {@code --name value} both work.
 */
final class FlotdArguments {
    static final Path DEFAULT_CONFIG = Path.of("/etc/flotilla/flotd.conf");

    /** What the command line asks for. */
    sealed interface Parsed permits Run, Help, Version, Invalid {
    }

    /** Run the daemon; {@code explicitConfig}: --config was given (then the file must exist). */
    record Run(Path configFile, boolean explicitConfig, Map<String, String> overrides) implements Parsed {
        Run {
            overrides = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        }
    }

    record Help() implements Parsed {
    }

    record Version() implements Parsed {
    }

    /** A usage error, said in one line. */
    record Invalid(String message) implements Parsed {
    }

    /** An option that overrides one config key. */
    private record Setting(String option, String label, String description) {
        String key() {
            return option.substring(2).replace('-', '_');
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("--etcd-endpoints", "URLS", "etcd client URLs, comma-separated (empty: start an embedded etcd)."),
            new Setting("--etcd-prefix", "PREFIX", "Key prefix of Flotilla's data in etcd."),
            new Setting("--etcd-cafile", "FILE", "CA certificate that signed etcd's certificate."),
            new Setting("--etcd-certfile", "FILE", "Client certificate for etcd."),
            new Setting("--etcd-keyfile", "FILE", "Key of the client certificate."),
            new Setting("--metadata", "K=V,...", "Machine metadata, e.g. region=eu,disk=ssd."),
            new Setting("--public-ip", "IP", "Address this machine is reached at."),
            new Setting("--api-socket", "PATH", "Unix socket of the API (empty: none)."),
            new Setting("--api-socket-group", "GROUP", "Group owning the API socket."),
            new Setting("--api-listen", "HOST:PORT", "TCP address of the API (empty: none)."),
            new Setting("--api-tls-cert", "FILE", "TLS certificate of the TCP API (PEM)."),
            new Setting("--api-tls-key", "FILE", "Its key (PEM, PKCS#8)."),
            new Setting("--api-tls-client-ca", "FILE", "CA that client certificates are verified against."),
            new Setting("--api-tokens-file", "FILE", "Bearer tokens of the TCP API: <token> <ro|rw> [name] (mode 0600)."),
            new Setting("--api-insecure-loopback", "true|false", "Plain HTTP on a loopback api_listen."),
            new Setting("--state-dir", "DIR", "Where flotd keeps its state."),
            new Setting("--machine-ttl", "SECONDS", "Lifetime of the registration without keep-alive."),
            new Setting("--engine-ttl", "SECONDS", "Lifetime of the engine leadership without keep-alive."),
            new Setting("--log-level", "LEVEL", "error, warn, info, debug or trace."),
            new Setting("--machine-id-file", "FILE", "File holding the machine id."),
            new Setting("--unit-dir", "DIR", "The agent's own folder of unit files."),
            new Setting("--systemd", "on|off", "off: register but run no units (no systemd needed)."),
            new Setting("--capacity-cpu", "CPUS", "CPUs units may use, e.g. 4 or 3500m (empty: detect)."),
            new Setting("--capacity-memory", "SIZE", "Memory units may use, e.g. 1536M (empty: detect)."),
            new Setting("--reserved-cpu", "CPUS", "Kept off the detected CPUs for the OS and flotd (100m)."),
            new Setting("--reserved-memory", "SIZE", "Kept off the detected memory for the OS and flotd (256M)."));

    private FlotdArguments() {
    }

    static Parsed parse(List<String> args) {
        Path config = DEFAULT_CONFIG;
        boolean explicitConfig = false;
        Map<String, String> sets = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Help();
            }
            if (arg.equals("-V") || arg.equals("--version")) {
                return new Version();
            }
            if (!arg.startsWith("--") || arg.equals("--")) {
                return new Invalid("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Setting setting = setting(name);
            if (setting == null && !name.equals("--config") && !name.equals("--set")) {
                return new Invalid("unknown option '" + name + "'");
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return new Invalid("option '" + name + "' needs a value");
            }
            if (name.equals("--config")) {
                config = Path.of(value);
                explicitConfig = true;
            } else if (name.equals("--set")) {
                int kv = value.indexOf('=');
                if (kv <= 0) {
                    return new Invalid("--set expects KEY=VALUE, not '" + value + "'");
                }
                sets.put(value.substring(0, kv), value.substring(kv + 1));
            } else {
                options.put(setting.key(), value);
            }
        }
        // Named options win over --set, whatever their order (as before: sets first, then options).
        Map<String, String> overrides = new LinkedHashMap<>(sets);
        overrides.putAll(options);
        return new Run(config, explicitConfig, overrides);
    }

    private static Setting setting(String option) {
        for (Setting s : SETTINGS) {
            if (s.option().equals(option)) {
                return s;
            }
        }
        return null;
    }

    static String usage() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: flotd [--config=FILE] [--KEY=VALUE ...] [--set KEY=VALUE ...]\n");
        b.append("       flotd --help | --version\n");
        b.append("The Flotilla daemon: runs this machine's agent, an engine candidate and the API.\n");
        b.append("Settings come from the config file; any of them can be overridden with --<key>=<value>\n");
        b.append("(key with dashes, e.g. --etcd-endpoints=http://127.0.0.1:2379).\n\n");
        row(b, "--config=FILE", "Config file (default: " + DEFAULT_CONFIG + ").");
        row(b, "--set=KEY=VALUE", "Overrides one setting of the config file.");
        for (Setting s : SETTINGS) {
            row(b, s.option() + "=" + s.label(), s.description());
        }
        row(b, "-h, --help", "Show this help message and exit.");
        row(b, "-V, --version", "Print version information and exit.");
        b.append("""

                Signals: SIGTERM, SIGINT  stop; the machine leaves the cluster at once
                         SIGHUP           reload 'metadata' from the config file
                                          (a bad file is logged and changes nothing)
                systemd: Type=notify (READY=1 once joined and the API listens), watchdog
                         fed while healthy, API socket taken from flotd.socket if passed
                Exit codes: 0 stopped, 1 could not start or join, 2 bad config or usage
                Files: /etc/flotilla/flotd.conf  /var/lib/flotilla  /run/flotilla/flotd.sock
                Docs: /opt/flotilla/share/doc/flotd.md
                """);
        return b.toString();
    }

    private static void row(StringBuilder b, String option, String description) {
        b.append("  ").append(option);
        int pad = 36 - option.length();
        b.append(pad > 1 ? " ".repeat(pad) : "\n" + " ".repeat(38)).append(description).append('\n');
    }
}
