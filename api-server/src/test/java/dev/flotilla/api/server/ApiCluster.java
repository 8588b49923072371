package dev.flotilla.api.server;

import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitState;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * A real ApiServer (unix socket + TCP) over a real etcd with a fresh key prefix, plus what stands
 * in for the engine (fenced assignment writes as the elected leader) and agents (states published
 * on a registered machine's lease).
 */
final class ApiCluster implements AutoCloseable {
    final Registry registry;
    /** The registry calls the server made, by method name, in order. */
    final List<String> serverCalls = new CopyOnWriteArrayList<>();
    final ApiServer server;
    final Path socket;
    final FlotillaClient client;
    final FlotillaClient unixClient;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Long fence;

    ApiCluster(EtcdFixture etcd, Path dir) {
        registry = Registry.connect(etcd.newConfig());
        socket = dir.resolve("api.sock");
        server = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()), recorded(registry, serverCalls),
                () -> new ApiServer.Health(true, "test", "ok"), List::of, dev.flotilla.systemd.UnitInspector.systemd(),
                ApiCluster::enginePass);
        server.countCluster(true); // as on the engine leader's daemon
        client = FlotillaClient.connect(Endpoint.parse(tcpEndpoint()), Duration.ofSeconds(30));
        unixClient = FlotillaClient.connect(Endpoint.parse("unix://" + socket), Duration.ofSeconds(30));
    }

    /** The registry, with each call's method name added to calls. */
    private static Registry recorded(Registry registry, List<String> calls) {
        return (Registry) java.lang.reflect.Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[]{Registry.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(registry, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The engine's own pass, as flotd wires it. */
    static SchedulingPass.Outcome enginePass(java.util.Collection<Machine> machines,
                                             java.util.Collection<dev.flotilla.model.UnitRecord> units,
                                             java.util.Collection<dev.flotilla.model.Assignment> assignments) {
        dev.flotilla.engine.PassPreview.Outcome o = dev.flotilla.engine.PassPreview.pass(machines, units, assignments);
        return new SchedulingPass.Outcome(o.machineOf(), o.waiting());
    }

    String tcpEndpoint() {
        return "http://127.0.0.1:" + server.tcpAddress().orElseThrow().getPort();
    }

    int port() {
        return server.tcpAddress().orElseThrow().getPort();
    }

    /** Registers a machine as its agent would; its states live on this lease. */
    MachinePresence machine(String id, String ip, Map<String, String> metadata) {
        MachinePresence p = registry.register(new Machine(id, ip, metadata, "test"), Duration.ofSeconds(30), "s-" + id,
                Duration.ZERO);
        toClose.add(0, p);
        return p;
    }

    /** Registers a machine that announces a capacity. */
    MachinePresence machine(String id, String ip, Map<String, String> metadata, dev.flotilla.model.Resources capacity) {
        MachinePresence p = registry.register(new Machine(id, ip, metadata, "test").withCapacity(capacity),
                Duration.ofSeconds(30), "s-" + id, Duration.ZERO);
        toClose.add(0, p);
        return p;
    }

    void publish(MachinePresence p, String unit, String hash, String load, String active, String sub) {
        registry.publishStates(p, List.of(new UnitState(p.machine().id(), unit, hash, load, active, sub)));
    }

    /** Stores a failure record as the elected engine (RescheduleOnFailure=). */
    void failure(dev.flotilla.model.UnitFailure f) {
        engine();
        if (!registry.putUnitFailure(fence, f)) {
            throw new IllegalStateException("lost the leadership");
        }
    }

    /** Writes as the elected engine. */
    void engine(AssignmentChange... changes) {
        if (fence == null) {
            List<Long> gained = new CopyOnWriteArrayList<>();
            LeaderElection e = registry.leaderElection("engine", Duration.ofSeconds(30));
            toClose.add(0, e);
            e.start(l -> {
                if (l instanceof LeaderElection.Leadership.Gained g) {
                    gained.add(g.fencingRevision());
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> !gained.isEmpty());
            fence = gained.get(0);
        }
        if (!registry.applyAssignments(fence, List.of(changes))) {
            throw new IllegalStateException("lost the leadership");
        }
    }

    /** An HTTP exchange written byte for byte, for what a well-behaved client would never send. */
    record Raw(int status, Map<String, String> headers, String body) {
    }

    Raw raw(String method, String path, String contentType, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                try {
                    out.write(body);
                } catch (IOException e) {
                    // The server may answer (413) and close before reading a large body.
                }
            }
            out.flush();
            return parse(s.getInputStream());
        }
    }

    /** A request sent exactly as given (malformed on purpose), over TCP or the unix socket. */
    Raw rawRequest(byte[] request, boolean unix) throws IOException {
        try (java.nio.channels.SocketChannel ch = unix
                ? java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))
                : java.nio.channels.SocketChannel.open(new InetSocketAddress("127.0.0.1", port()))) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before reading it all.
            }
            return parse(java.nio.channels.Channels.newInputStream(ch));
        }
    }

    Raw raw(String method, String path, String contentType, String body) throws IOException {
        return raw(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static Raw parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException e) {
            // connection reset after the answer: keep what arrived
        }
        byte[] bytes = all.toByteArray();
        int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        String[] lines = new String(bytes, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip(), lines[i].substring(colon + 1).strip());
        }
        byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
            body = unchunk(body);
        }
        return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int nl = indexOf(body, new byte[]{'\r', '\n'}, i);
            int size = Integer.parseInt(new String(body, i, nl - i, StandardCharsets.US_ASCII).strip(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, nl + 2, size);
            i = nl + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no " + new String(pattern, StandardCharsets.US_ASCII).replace("\r\n", "CRLF")
                + " in the answer");
    }

    @Override
    public void close() {
        client.close();
        unixClient.close();
        server.close();
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        registry.close();
    }
}
