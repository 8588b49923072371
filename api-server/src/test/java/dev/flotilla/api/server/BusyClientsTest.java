package dev.flotilla.api.server;

import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, finding 4, the busy half: with etcd stopped, every request that reads the cluster
 * holds a pool thread until the registry gives up, and many clients fill both pools. /health
 * (answered from memory, on the connection's own thread) still answers on TCP and the unix socket.
 */
@Tag("etcd")
class BusyClientsTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final int BUSY_CLIENTS = 150;

    @TempDir
    Path dir;
    private Registry registry;
    private ApiServer server;
    private Path socket;
    private final List<RawConnection> connections = new ArrayList<>();
    private final ExecutorService clients = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "busy-client");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        socket = dir.resolve("api.sock");
        server = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(),
                        Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()),
                registry, () -> new ApiServer.Health(true, "test", "ok"));
    }

    @AfterEach
    void stop() {
        connections.forEach(RawConnection::close);
        clients.shutdownNow();
        server.close();
        registry.close();
        etcd.start();
    }

    private static final String MACHINES = "GET /fleet/v1/machines HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    private CompletableFuture<String> call(boolean tcp, String request) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawConnection c = tcp ? RawConnection.tcp(server.tcpAddress().orElseThrow().getPort())
                    : RawConnection.unix(socket)) {
                c.write(request);
                return c.readToClose();
            } catch (IOException e) {
                return "failed: " + e;
            }
        }, clients);
    }

    private CompletableFuture<String> sent(RawConnection c) throws IOException {
        connections.add(c);
        c.write(MACHINES);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.readToClose();
            } catch (IOException e) {
                return "failed: " + e;
            }
        }, clients);
    }

    private long health(boolean tcp) {
        long t0 = System.nanoTime();
        try {
            String a = call(tcp, HEALTH).get(5, TimeUnit.SECONDS);
            if (!a.startsWith("HTTP/1.1 200")) {
                System.out.println("health answer: " + a);
                return -1;
            }
            return (System.nanoTime() - t0) / 1_000_000;
        } catch (Exception e) {
            System.out.println("health: no answer: " + e);
            return -1;
        }
    }

    @Test
    void healthAnswersWhileEveryThreadWaitsForEtcd() throws IOException {
        etcd.stop();
        // Connected one after another: a burst of connects would overflow the listen backlog and
        // delay the probes' own TCP handshakes (SYN retries), which says nothing about the daemon.
        List<CompletableFuture<String>> busy = new ArrayList<>();
        for (int i = 0; i < BUSY_CLIENTS; i++) {
            busy.add(sent(RawConnection.tcp(server.tcpAddress().orElseThrow().getPort())));
            busy.add(sent(RawConnection.unix(socket)));
        }
        List<Long> tcpMs = new ArrayList<>();
        List<Long> unixMs = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < end) {
            tcpMs.add(health(true));
            unixMs.add(health(false));
        }
        long waiting = busy.stream().filter(f -> !f.isDone()).count();
        System.out.printf("%d requests waiting for a stopped etcd (%d still unanswered after the probes); /health: "
                        + "TCP %s, unix %s; load %s%n", busy.size(), waiting, SlowClientsTest.summary(tcpMs),
                SlowClientsTest.summary(unixMs), SlowClientsTest.loadAverage());
        // Every probe answered while the busy requests, still unanswered after the last probe, held
        // every pool thread: /health needs none. (How fast it answered is printed, not asserted: a
        // loaded 2-core machine can pause any JVM for a second.)
        assertTrue(waiting > 0, "the busy requests held the pools while /health was probed");
        assertTrue(tcpMs.stream().allMatch(ms -> ms >= 0), "/health over TCP answered every probe: " + tcpMs);
        assertTrue(unixMs.stream().allMatch(ms -> ms >= 0), "/health over the unix socket answered every probe: " + unixMs);
    }
}
