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

    @Option(names = "--etcd-endpoints") String etcdEndpoints;
    @Option(names = "--etcd-prefix") String etcdPrefix;
    @Option(names = "--metadata") String metadata;
    @Option(names = "--public-ip") String publicIp;
    @Option(names = "--api-socket") String apiSocket;
    @Option(names = "--api-listen") String apiListen;
    @Option(names = "--state-dir") String stateDir;
    @Option(names = "--machine-ttl") String machineTtl;
    @Option(names = "--engine-ttl") String engineTtl;
    @Option(names = "--log-level") String logLevel;
    @Option(names = "--machine-id-file") String machineIdFile;
    @Option(names = "--unit-dir") String unitDir;
    @Option(names = "--systemd", paramLabel = "on|off") String systemd;

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
        put(overrides, "metadata", metadata);
        put(overrides, "public_ip", publicIp);
        put(overrides, "api_socket", apiSocket);
        put(overrides, "api_listen", apiListen);
        put(overrides, "state_dir", stateDir);
        put(overrides, "machine_ttl", machineTtl);
        put(overrides, "engine_ttl", engineTtl);
        put(overrides, "log_level", logLevel);
        put(overrides, "machine_id_file", machineIdFile);
        put(overrides, "unit_dir", unitDir);
        put(overrides, "systemd", systemd);
        boolean explicitFile = spec.commandLine().getParseResult().hasMatchedOption("--config");
        FlotdConfig config;
        try {
            config = FlotdConfig.load(Optional.of(configFile), explicitFile, overrides);
        } catch (ConfigException e) {
            System.err.println("flotd: " + e.getMessage());
            return 2;
        }
        Logging.configure(config.logLevel());
        Flotd daemon = new Flotd(config);
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "flotd-shutdown"));
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
