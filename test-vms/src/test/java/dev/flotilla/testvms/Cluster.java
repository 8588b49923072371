package dev.flotilla.testvms;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A running local cluster: etcd on the host's loopback and machines m1..mN, each a real systemd
 * booted with systemd-nspawn and running flotd. Every method drives {@code test-vms/cluster}, so
 * what a test does can be repeated by hand with the same script (see test-vms/README.md).
 *
 * <p>Lifecycle methods ({@link #kill}, {@link #stop}, {@link #start}, {@link #freeze}, ...) throw
 * {@link ClusterException} when the script reports a failure; {@link #exec} and {@link #flotctl}
 * return the command's {@link CommandResult} whatever its exit code.
 */
public final class Cluster implements AutoCloseable {
    /** flotctl inside every machine. */
    public static final String FLOTCTL = "/opt/flotilla/bin/flotctl";

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final Path script;
    private final Path dist;
    private final Path stateDir;
    private final ClusterConfig config;
    private final String label;
    private final List<String> machines;
    private final Map<String, String> machineIds = new ConcurrentHashMap<>();
    private volatile boolean up;
    private volatile Thread shutdownHook;
    private volatile HttpClient http;

    private Cluster(Path script, Path dist, Path stateDir, ClusterConfig config, String label) {
        this.label = label;
        this.script = script;
        this.dist = dist;
        this.stateDir = stateDir;
        this.config = config;
        List<String> names = new ArrayList<>();
        for (int k = 1; k <= config.machines(); k++) {
            names.add("m" + k);
        }
        this.machines = List.copyOf(names);
    }

    /**
     * Brings up a cluster as configured (after a {@code down} of whatever an earlier, crashed run
     * left in the same state folder) and returns it once every machine is ready.
     */
    public static Cluster start(ClusterConfig config) {
        return start(config, null);
    }

    /**
     * As {@link #start(ClusterConfig)}; with a label (the test class), {@link #close()} first saves
     * every machine's flotd journal and etcd's logs to {@code flotilla-cluster-logs/<label>/} beside
     * the state folder, since the next bring-up clears the state folder.
     */
    public static Cluster start(ClusterConfig config, String label) {
        Path script = locateScript();
        Path repo = script.getParent().getParent();
        Path dist = Path.of(property("flotilla.dist", "FLOTILLA_DIST",
                repo.resolve("packaging/target/flotilla/flotilla").toString()));
        Path stateDir = Path.of(property("flotilla.cluster.dir", "FLOTILLA_CLUSTER_DIR",
                repo.resolve("test-vms/target/flotilla-cluster").toString()));
        if (!Files.isExecutable(dist.resolve("bin/flotd"))) {
            throw new ClusterException("no Flotilla distribution at " + dist
                    + "; build it first: mvn -B -q package -DskipTests (test-vms runs after packaging in 'mvn verify')");
        }
        Cluster cluster = new Cluster(script, dist, stateDir, config, label);
        cluster.bringUp();
        return cluster;
    }

    private void bringUp() {
        script(COMMAND_TIMEOUT, false, "down").requireOk("cluster down (leftovers of an earlier run)");
        Duration bound = Duration.ofSeconds(config.timeoutSeconds() + 60L);
        List<String> upArgs = new ArrayList<>(List.of("up", String.valueOf(config.machines()),
                "--ttl", String.valueOf(config.ttlSeconds()),
                "--wait", config.readiness().scriptValue(),
                "--timeout", String.valueOf(config.timeoutSeconds()),
                "--log-level", config.logLevel(),
                "--etcd-members", String.valueOf(config.etcdMembers())));
        if (config.unixApiOnly()) {
            upArgs.add("--unix-api-only");
        }
        for (String line : config.flotdConf()) {
            upArgs.addAll(List.of("--flotd-conf", line));
        }
        // e.g. -Dflotilla.flotd.java.opts="... -XX:NativeMemoryTracking=summary" to see flotd's memory split
        String javaOpts = property("flotilla.flotd.java.opts", "FLOTILLA_FLOTD_JAVA_OPTS", "");
        if (!javaOpts.isBlank()) {
            upArgs.addAll(List.of("--flotd-java-opts", javaOpts));
        }
        CommandResult r = script(bound, false, upArgs.toArray(String[]::new));
        up = true;
        Thread hook = new Thread(this::downQuietly, "flotilla-cluster-down");
        Runtime.getRuntime().addShutdownHook(hook);
        shutdownHook = hook;
        if (!r.ok()) {
            String status = script(COMMAND_TIMEOUT, false, "status").stdout();
            close();
            throw new ClusterException("cluster bring-up failed (state and journals kept in " + stateDir + "): "
                    + r + "\n--- status before teardown\n" + status);
        }
        System.out.println(r.stdout().stripTrailing());
    }

    /** Stops every machine and etcd ({@code cluster down}); logs and journals stay in {@link #stateDir()}. */
    @Override
    public void close() {
        if (!up) {
            return;
        }
        saveLogs();
        up = false;
        Thread hook = shutdownHook;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; down is idempotent
            }
        }
        script(COMMAND_TIMEOUT, false, "down").requireOk("cluster down");
    }

    /** Every machine's flotd journal and etcd's logs into flotilla-cluster-logs/LABEL (best effort). */
    private void saveLogs() {
        if (label == null) {
            return;
        }
        Path into = stateDir.resolveSibling("flotilla-cluster-logs").resolve(label);
        try {
            Files.createDirectories(into);
            for (String m : machines) {
                CommandResult r = script(COMMAND_TIMEOUT, true, "logs", m, "-o", "short-precise");
                Files.writeString(into.resolve(m + "-flotd.log"), r.stdout() + r.stderr(), StandardCharsets.UTF_8);
            }
            try (var logs = Files.newDirectoryStream(stateDir, "etcd*.log")) {
                for (Path log : logs) {
                    Files.copy(log, into.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("could not save the cluster's logs to " + into + ": " + e);
        }
    }

    private void downQuietly() {
        if (up) {
            up = false;
            script(COMMAND_TIMEOUT, false, "down");
        }
    }

    // ------------------------------------------------------------------ queries

    /** Machine names, m1..mN. */
    public List<String> machines() {
        return machines;
    }

    /** The folder holding PIDs, configs, console logs, etcd's log and every machine's journal. */
    public Path stateDir() {
        return stateDir;
    }

    /** The distribution bound read-only at /opt/flotilla in every machine. */
    public Path dist() {
        return dist;
    }

    /** The machine's API endpoint from the host, {@code https://127.0.0.N:49153}. */
    public String endpoint(String machine) {
        return run("endpoint", machine).out();
    }

    /** The machine's /etc/machine-id (kept across stop/kill/start unless started with a new id). */
    public String machineId(String machine) {
        checkMachine(machine);
        return machineIds.computeIfAbsent(machine, m -> run("machine-id", m).out());
    }

    /** {@code running}, {@code frozen} or {@code stopped}. */
    public String state(String machine) {
        return run("state", machine).out();
    }

    /** The script's status table. */
    public String status() {
        return run("status").stdout();
    }

    /** etcd's client URLs, {@code http://127.0.0.1:PORT}, comma-separated when etcd has several members. */
    public String etcdEndpoint() {
        return run("etcd-endpoint").out();
    }

    /** Number of etcd members (1, or what {@link ClusterConfig#etcdMembers()} asked for). */
    public int etcdMembers() {
        return config.etcdMembers();
    }

    /** The etcd member (1..{@link #etcdMembers()}) that is the raft leader, {@code null} while none is. */
    public Integer etcdLeader() {
        CommandResult r = script(COMMAND_TIMEOUT, true, "etcd-leader");
        return r.ok() && r.out().matches("[0-9]+") ? Integer.valueOf(r.out()) : null;
    }

    /** The TLS material of the cluster's API (CA, client certificate, tokens). */
    public ClusterTls tls() {
        return ClusterTls.in(stateDir);
    }

    /**
     * {@code GET path} on the machine's TCP API over TLS with the read-write token, bounded;
     * an I/O failure is a {@link ClusterException}.
     */
    public HttpResponse<String> apiGet(String machine, String path) {
        return apiRequest(machine, "GET", path, null);
    }

    /** A request with a JSON body (or none when {@code json} is null), as {@link #apiGet}. */
    public HttpResponse<String> apiRequest(String machine, String method, String path, String json) {
        HttpClient client = http;
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(tls().sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
            http = client;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint(machine) + path))
                .header("Authorization", "Bearer " + tls().token())
                .timeout(Duration.ofSeconds(10));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ClusterException(method + " " + path + " on " + machine + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted: " + method + " " + path + " on " + machine, e);
        }
    }

    /**
     * The name of the machine whose engine is active, as reported by {@code GET /flotilla/v1/engine}
     * of the running machines; {@code null} when no machine answers or no engine is active.
     */
    public String leader() {
        CommandResult r = script(COMMAND_TIMEOUT, true, "leader");
        return r.ok() && !r.out().isEmpty() ? r.out() : null;
    }

    /** flotd's journal in the machine (also after it was stopped or killed). */
    public String logs(String machine, String... journalctlArgs) {
        checkMachine(machine);
        List<String> args = new ArrayList<>(List.of("logs", machine));
        args.addAll(Arrays.asList(journalctlArgs));
        return script(COMMAND_TIMEOUT, true, args.toArray(String[]::new)).stdout();
    }

    // ------------------------------------------------------------------ commands in machines

    /** Runs a command inside the machine (nsenter into all its namespaces); never throws on a non-zero exit. */
    public CommandResult exec(String machine, String... cmd) {
        return exec(COMMAND_TIMEOUT, machine, cmd);
    }

    /** As {@link #exec(String, String...)} with an explicit bound (a command in a frozen machine blocks until thawed). */
    public CommandResult exec(Duration timeout, String machine, String... cmd) {
        checkMachine(machine);
        if (cmd.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        List<String> args = new ArrayList<>(List.of("exec", machine));
        args.addAll(Arrays.asList(cmd));
        return script(timeout, true, args.toArray(String[]::new));
    }

    /** Runs {@code /opt/flotilla/bin/flotctl args...} inside the machine (default endpoint: its unix socket). */
    public CommandResult flotctl(String machine, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = FLOTCTL;
        System.arraycopy(args, 0, cmd, 1, args.length);
        return exec(machine, cmd);
    }

    /**
     * The command line of the distribution's flotctl run on this host against the machine's TLS
     * endpoint with the cluster's CA and the given token file.
     */
    public List<String> hostFlotctlCommand(String machine, Path tokenFile, String... args) {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/flotctl").toString(),
                "--endpoint=" + endpoint(machine), "--ca-file=" + tls().caFile(), "--token-file=" + tokenFile));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** The typed API client of the machine's TLS endpoint with the read-write token (close it). */
    public dev.flotilla.api.FlotillaClient client(String machine) {
        return dev.flotilla.api.FlotillaClient.connect(dev.flotilla.api.Endpoint.parse(endpoint(machine)), Duration.ofSeconds(10),
                new dev.flotilla.api.Credentials(java.util.Optional.of(tls().caFile()), java.util.Optional.empty(),
                        java.util.Optional.empty(), java.util.Optional.of(tls().tokenFile())));
    }

    /** flotctl run on this host against the machine's TLS endpoint with the read-write token. */
    public CommandResult flotctlFromHost(String machine, String... args) {
        return command(COMMAND_TIMEOUT, true, hostFlotctlCommand(machine, tls().tokenFile(), args));
    }

    // ------------------------------------------------------------------ faults

    /** SIGKILL: the machine and everything in it dies at once, like a power cut. */
    public void kill(String machine) {
        run("kill", machine);
    }

    /** SIGTERM to its nspawn: a clean shutdown (flotd gets SIGTERM from systemd), bounded. */
    public void stop(String machine) {
        run("stop", machine);
    }

    /** Boots a stopped or killed machine again with the same name, address, metadata and machine id. */
    public void start(String machine) {
        checkMachine(machine);
        script(Duration.ofSeconds(config.timeoutSeconds() + 60L), false, "start", machine).requireOk("cluster start " + machine);
    }

    /** Boots a stopped or killed machine again as a new machine: new machine id, empty /var/lib/flotilla. */
    public void startWithNewId(String machine) {
        checkMachine(machine);
        machineIds.remove(machine);
        script(Duration.ofSeconds(config.timeoutSeconds() + 60L), false, "start", machine, "--new-id")
                .requireOk("cluster start --new-id " + machine);
    }

    /** Freezes every process of the machine (cgroup v2 freezer): it stops answering, like a partition. */
    public void freeze(String machine) {
        run("freeze", machine);
    }

    /** Thaws a frozen machine. */
    public void thaw(String machine) {
        run("thaw", machine);
    }

    public void etcdStop() {
        run("etcd-stop");
    }

    public void etcdStart() {
        run("etcd-start");
    }

    public void etcdRestart() {
        run("etcd-restart");
    }

    /** SIGKILL to etcd member {@code member} (1-based): a crash; its data stays. */
    public void etcdKill(int member) {
        script(COMMAND_TIMEOUT, false, "etcd-kill", String.valueOf(member)).requireOk("cluster etcd-kill " + member);
    }

    /** Starts etcd member {@code member} again on its ports and data; returns once it is healthy. */
    public void etcdStart(int member) {
        script(COMMAND_TIMEOUT, false, "etcd-start", String.valueOf(member)).requireOk("cluster etcd-start " + member);
    }

    // ------------------------------------------------------------------ plumbing

    private CommandResult run(String command, String machine) {
        checkMachine(machine);
        return script(COMMAND_TIMEOUT, false, command, machine).requireOk("cluster " + command + " " + machine);
    }

    private CommandResult run(String command) {
        return script(COMMAND_TIMEOUT, false, command).requireOk("cluster " + command);
    }

    private void checkMachine(String machine) {
        Objects.requireNonNull(machine, "machine");
        if (!machines.contains(machine)) {
            throw new IllegalArgumentException("no machine '" + machine + "' in this cluster " + machines);
        }
    }

    /**
     * Runs {@code test-vms/cluster args...}. On timeout the script is killed; with {@code killTree}
     * also its descendants (for commands in machines; never for bring-up, whose descendants are
     * the machines themselves and are cleaned up by {@code down}).
     */
    public CommandResult script(Duration timeout, boolean killTree, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/bin/bash");
        cmd.add(script.toString());
        cmd.addAll(Arrays.asList(args));
        return command(timeout, killTree, cmd);
    }

    /** Runs a command on this host (bounded; killed with its descendants on timeout). */
    public CommandResult command(Duration timeout, List<String> cmd) {
        return command(timeout, true, cmd);
    }

    private CommandResult command(Duration timeout, boolean killTree, List<String> cmd) {
        return ScriptRunner.run(cmd, Map.of("FLOTILLA_CLUSTER_DIR", stateDir.toString(), "FLOTILLA_DIST", dist.toString()),
                timeout, killTree, String.join(" ", cmd));
    }

    private static String property(String sysProp, String env, String fallback) {
        String v = System.getProperty(sysProp);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** test-vms/cluster: from -Dflotilla.cluster.script, else found from the working directory upwards. */
    static Path locateScript() {
        String prop = System.getProperty("flotilla.cluster.script");
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw new ClusterException("flotilla.cluster.script=" + prop + " does not exist");
            }
            return p;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("test-vms/cluster");
            if (Files.isRegularFile(p)) {
                return p;
            }
            if (d.getFileName() != null && d.getFileName().toString().equals("test-vms")
                    && Files.isRegularFile(d.resolve("cluster"))) {
                return d.resolve("cluster");
            }
        }
        throw new ClusterException("can't find test-vms/cluster from " + Path.of("").toAbsolutePath()
                + "; set -Dflotilla.cluster.script");
    }
}
