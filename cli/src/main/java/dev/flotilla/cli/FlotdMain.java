package dev.flotilla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Entry point of the daemon. */
@Command(name = "flotd", mixinStandardHelpOptions = true, versionProvider = FlotdMain.VersionProvider.class,
        description = {"The Flotilla daemon: runs this machine's agent, an engine candidate and the API.",
                "Settings come from the config file; any of them can be overridden with --<key>=<value>",
                "(key with dashes, e.g. --etcd-endpoints=http://127.0.0.1:2379)."},
        footer = {"",
                "Signals: SIGTERM, SIGINT  stop; the machine leaves the cluster at once",
                "         SIGHUP           reload 'metadata' from the config file",
                "                          (a bad file is logged and changes nothing)",
                "systemd: Type=notify (READY=1 once joined and the API listens), watchdog",
                "         fed while healthy, API socket taken from flotd.socket if passed",
                "Exit codes: 0 stopped, 1 could not start or join, 2 bad config or usage",
                "Files: /etc/flotilla/flotd.conf  /var/lib/flotilla  /run/flotilla/flotd.sock",
                "Docs: /opt/flotilla/share/doc/flotd.md"},
        exitCodeOnInvalidInput = 2)
public final class FlotdMain implements Callable<Integer> {

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"flotd " + Version.get()};
        }
    }

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default: ${DEFAULT-VALUE}).",
            defaultValue = "/etc/flotilla/flotd.conf")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting of the config file.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--etcd-endpoints", paramLabel = "URLS",
            description = "etcd client URLs, comma-separated (empty: start an embedded etcd).")
    String etcdEndpoints;
    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", description = "Key prefix of Flotilla's data in etcd.")
    String etcdPrefix;
    @Option(names = "--etcd-cafile", paramLabel = "FILE", description = "CA certificate that signed etcd's certificate.")
    String etcdCaFile;
    @Option(names = "--etcd-certfile", paramLabel = "FILE", description = "Client certificate for etcd.")
    String etcdCertFile;
    @Option(names = "--etcd-keyfile", paramLabel = "FILE", description = "Key of the client certificate.")
    String etcdKeyFile;
    @Option(names = "--metadata", paramLabel = "K=V,...", description = "Machine metadata, e.g. region=eu,disk=ssd.")
    String metadata;
    @Option(names = "--public-ip", paramLabel = "IP", description = "Address this machine is reached at.")
    String publicIp;
    @Option(names = "--api-socket", paramLabel = "PATH", description = "Unix socket of the API (empty: none).")
    String apiSocket;
    @Option(names = "--api-socket-group", paramLabel = "GROUP", description = "Group owning the API socket.")
    String apiSocketGroup;
    @Option(names = "--api-listen", paramLabel = "HOST:PORT", description = "TCP address of the API (empty: none).")
    String apiListen;
    @Option(names = "--api-tls-cert", paramLabel = "FILE", description = "TLS certificate of the TCP API (PEM).")
    String apiTlsCert;
    @Option(names = "--api-tls-key", paramLabel = "FILE", description = "Its key (PEM, PKCS#8).")
    String apiTlsKey;
    @Option(names = "--api-tls-client-ca", paramLabel = "FILE", description = "CA that client certificates are verified against.")
    String apiTlsClientCa;
    @Option(names = "--api-tokens-file", paramLabel = "FILE", description = "Bearer tokens of the TCP API: <token> <ro|rw> [name] (mode 0600).")
    String apiTokensFile;
    @Option(names = "--api-insecure-loopback", paramLabel = "true|false", description = "Plain HTTP on a loopback api_listen.")
    String apiInsecureLoopback;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where flotd keeps its state.")
    String stateDir;
    @Option(names = "--machine-ttl", paramLabel = "SECONDS", description = "Lifetime of the registration without keep-alive.")
    String machineTtl;
    @Option(names = "--engine-ttl", paramLabel = "SECONDS", description = "Lifetime of the engine leadership without keep-alive.")
    String engineTtl;
    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace.")
    String logLevel;
    @Option(names = "--machine-id-file", paramLabel = "FILE", description = "File holding the machine id.")
    String machineIdFile;
    @Option(names = "--unit-dir", paramLabel = "DIR", description = "The agent's own folder of unit files.")
    String unitDir;
    @Option(names = "--systemd", paramLabel = "on|off", description = "off: register but run no units (no systemd needed).")
    String systemd;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FlotdMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(sets);
        put(overrides, "etcd_endpoints", etcdEndpoints);
        put(overrides, "etcd_prefix", etcdPrefix);
        put(overrides, "etcd_cafile", etcdCaFile);
        put(overrides, "etcd_certfile", etcdCertFile);
        put(overrides, "etcd_keyfile", etcdKeyFile);
        put(overrides, "metadata", metadata);
        put(overrides, "public_ip", publicIp);
        put(overrides, "api_socket", apiSocket);
        put(overrides, "api_socket_group", apiSocketGroup);
        put(overrides, "api_listen", apiListen);
        put(overrides, "api_tls_cert", apiTlsCert);
        put(overrides, "api_tls_key", apiTlsKey);
        put(overrides, "api_tls_client_ca", apiTlsClientCa);
        put(overrides, "api_tokens_file", apiTokensFile);
        put(overrides, "api_insecure_loopback", apiInsecureLoopback);
        put(overrides, "state_dir", stateDir);
        put(overrides, "machine_ttl", machineTtl);
        put(overrides, "engine_ttl", engineTtl);
        put(overrides, "log_level", logLevel);
        put(overrides, "machine_id_file", machineIdFile);
        put(overrides, "unit_dir", unitDir);
        put(overrides, "systemd", systemd);
        boolean explicitFile = spec.commandLine().getParseResult().hasMatchedOption("--config");
        ConfigSource source = () -> FlotdConfig.load(Optional.of(configFile), explicitFile, overrides);
        FlotdConfig config;
        try {
            config = source.load();
        } catch (ConfigException e) {
            System.err.println("flotd: " + e.getMessage());
            return 2;
        }
        Logging.configure(config.logLevel());
        Flotd daemon = new Flotd(config, source);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "flotd-shutdown"));
        HangupSignal.onHangup(daemon::reloadMetadata);
        try {
            daemon.start();
        } catch (ConfigException | RuntimeException e) {
            System.err.println("flotd: " + e.getMessage());
            daemon.close();
            return 1;
        }
        daemon.awaitStop();
        return 0;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
