package dev.flotilla.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd run as a child process, listening on loopback only: a single member (flotd's embedded
 * default and the test fixture), or one member of a cluster started by {@link #startCluster}.
 */
public final class EtcdProcess implements AutoCloseable {
    /** Starts on free ports tried before giving up (each loses only if another process took a port). */
    private static final int PORT_ATTEMPTS = 5;
    /** Free ports are chosen from here up to the ephemeral range (clear of the usual well-known ones). */
    private static final int FIRST_CHOSEN_PORT = 20000;

    private final Path binary;
    private final Path dataDir;
    private final String host;
    private final int clientPort;
    private final int peerPort;
    private final Path logFile;
    private final Tls tls;
    /** Plain-HTTP port of /health when clients must use TLS (etcd's --listen-metrics-urls), else 0. */
    private final int healthPort;
    private final Member member;
    private Process process;

    /** This member's name, the whole cluster's {@code name=peerURL} list and its token. */
    private record Member(String name, String initialCluster, String token) {
    }

    /**
     * TLS on the client port: etcd's certificate and key, and the CA client certificates must be
     * signed by (etcd then refuses clients without one).
     */
    public record Tls(Path certFile, Path keyFile, Path trustedCaFile) {
    }

    private EtcdProcess(Path binary, Path dataDir, String host, int clientPort, int peerPort, Path logFile, Tls tls,
                        int healthPort, Member member) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.host = host;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.logFile = logFile;
        this.tls = tls;
        this.healthPort = healthPort;
        this.member = member != null ? member
                : new Member("flotilla", "flotilla=http://" + host + ":" + peerPort, "flotilla-" + clientPort);
    }

    /** Starts etcd and waits until it reports healthy. */
    public static EtcdProcess start(Path dataDir, String host, int clientPort, int peerPort, Duration startTimeout) {
        EtcdProcess etcd = new EtcdProcess(findBinary(), dataDir, host, clientPort, peerPort,
                dataDir.resolveSibling(dataDir.getFileName() + ".log"), null, 0, null);
        etcd.launch(startTimeout);
        return etcd;
    }

    /**
     * Starts {@code members} etcd members forming one cluster, as production runs etcd, on free
     * loopback ports: members e1..eN, data in {@code baseDir/eK}, logs beside. Returns them in
     * that order once every member is healthy (has a leader). A member killed and started again
     * rejoins from its data; give clients every member's {@link #clientUrl()}.
     */
    public static List<EtcdProcess> startCluster(Path baseDir, int members, Duration startTimeout) {
        if (members < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least one member, not " + members);
        }
        Path binary = findBinary();
        List<Integer> clientPorts = new ArrayList<>();
        List<Integer> peerPorts = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        int[] ports = freePorts(2 * members);
        for (int k = 1; k <= members; k++) {
            clientPorts.add(ports[2 * (k - 1)]);
            peerPorts.add(ports[2 * (k - 1) + 1]);
            peers.add("e" + k + "=http://127.0.0.1:" + peerPorts.get(k - 1));
        }
        String initialCluster = String.join(",", peers);
        String token = "flotilla-cluster-" + clientPorts.get(0);
        List<EtcdProcess> started = new ArrayList<>();
        try {
            for (int k = 1; k <= members; k++) {
                Path data = baseDir.resolve("e" + k);
                EtcdProcess etcd = new EtcdProcess(binary, data, "127.0.0.1", clientPorts.get(k - 1), peerPorts.get(k - 1),
                        data.resolveSibling("e" + k + ".log"), null, 0, new Member("e" + k, initialCluster, token));
                etcd.spawn();
                started.add(etcd);
            }
            // Each member waits for a quorum before it reports healthy: all are spawned first.
            for (EtcdProcess etcd : started) {
                etcd.awaitHealthy(startTimeout);
            }
            return List.copyOf(started);
        } catch (RuntimeException e) {
            started.forEach(EtcdProcess::kill);
            throw e;
        }
    }

    /** Starts etcd serving its clients over TLS with client certificates only, on free loopback ports. */
    public static EtcdProcess startWithTls(Path dataDir, Tls tls, Duration startTimeout) {
        return startOnFreePorts(dataDir, tls, startTimeout);
    }

    /** Starts etcd on two free loopback ports. */
    public static EtcdProcess startOnFreePorts(Path dataDir, Duration startTimeout) {
        return startOnFreePorts(dataDir, null, startTimeout);
    }

    /**
     * A free port is free only until another process binds it (on a shared machine, often another
     * etcd started the same way): a start that loses that race is tried again on other ports.
     */
    private static EtcdProcess startOnFreePorts(Path dataDir, Tls tls, Duration startTimeout) {
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        for (int attempt = 1; ; attempt++) {
            int[] ports = freePorts(3);
            EtcdProcess etcd = new EtcdProcess(findBinary(), dataDir, "127.0.0.1", ports[0], ports[1], log, tls,
                    tls == null ? 0 : ports[2], null);
            long logged = sizeOf(log);
            try {
                etcd.launch(startTimeout);
                return etcd;
            } catch (RegistryException e) {
                etcd.stop();
                if (attempt == PORT_ATTEMPTS || !logSince(log, logged).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    /** Where the kernel's ephemeral ports start (Linux's default when unreadable). */
    static int ephemeralLow() {
        // read as a stream: Files.readString trusts the size procfs reports and returns one byte
        try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip()
                    .split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String logSince(Path file, long offset) {
        try {
            byte[] all = Files.readAllBytes(file);
            return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * n different free loopback ports: all are held open together while chosen, so none repeats.
     * Taken below the kernel's ephemeral range where there is room: no outgoing connection and no
     * bind to port 0 elsewhere can take them, also while etcd is stopped for a restart on them.
     */
    static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            int below = ephemeralLow();
            java.util.Random random = new java.util.Random();
            for (int i = 0, tries = 0; i < n; tries++) {
                boolean anywhere = below - FIRST_CHOSEN_PORT < 1000 || tries >= 200;
                int port = anywhere ? 0 : FIRST_CHOSEN_PORT + random.nextInt(below - FIRST_CHOSEN_PORT);
                ServerSocket socket = new ServerSocket();
                try {
                    socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1);
                } catch (IOException taken) {
                    socket.close();
                    continue;
                }
                held.add(socket);
                ports[i++] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // it was only held to reserve the number
                }
            }
        }
    }

    public static Path findBinary() {
        String configured = System.getenv("FLOTILLA_ETCD_BINARY");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new RegistryException("no etcd binary found on PATH (install Debian's etcd-server package,"
                + " or set FLOTILLA_ETCD_BINARY)");
    }

    public String clientUrl() {
        return (tls == null ? "http://" : "https://") + host + ":" + clientPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private synchronized void launch(Duration startTimeout) {
        spawn();
        awaitHealthy(startTimeout);
    }

    private synchronized void spawn() {
        try {
            Files.createDirectories(dataDir);
            List<String> cmd = new ArrayList<>(List.of(binary.toString(),
                    "--name", member.name(),
                    "--data-dir", dataDir.toString(),
                    "--listen-client-urls", clientUrl(),
                    "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", "http://" + host + ":" + peerPort,
                    "--initial-advertise-peer-urls", "http://" + host + ":" + peerPort,
                    "--initial-cluster", member.initialCluster(),
                    "--initial-cluster-token", member.token(),
                    "--log-outputs", "stderr"));
            if (tls != null) {
                cmd.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString(),
                        "--trusted-ca-file", tls.trustedCaFile().toString(), "--client-cert-auth",
                        "--listen-metrics-urls", "http://" + host + ":" + healthPort));
            }
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new RegistryException("cannot start etcd (" + binary + "): " + e.getMessage(), e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(
                        (tls == null ? clientUrl() : "http://" + host + ":" + healthPort) + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new RegistryException("etcd exited with status " + process.exitValue() + " while starting; see " + logFile);
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while waiting for etcd", e);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // poll interval while the child boots
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException("interrupted while waiting for etcd", e);
            }
        }
        throw new RegistryException("etcd did not become healthy within " + timeout.toSeconds() + " s; see " + logFile);
    }

    /** Stops etcd cleanly (SIGTERM) and waits for it. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGKILL, as a crash. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGSTOP: etcd hangs as a frozen or overloaded machine does; its connections stay open. */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        if (process == null) {
            throw new IllegalStateException("etcd is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new RegistryException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new RegistryException("cannot signal etcd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while signalling etcd", e);
        }
    }

    /** Starts it again on the same ports and data. */
    public synchronized void restart(Duration startTimeout) {
        stop();
        launch(startTimeout);
    }

    public synchronized void startAgain(Duration startTimeout) {
        if (!isRunning()) {
            launch(startTimeout);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
