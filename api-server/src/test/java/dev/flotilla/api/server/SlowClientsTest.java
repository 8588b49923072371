package dev.flotilla.api.server;

import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, finding 4: clients dripping a request body (1 byte every 2 s) on TLS and on the unix
 * socket at once. Meanwhile /health answers on both, and the slow clients are cut off (408 or a
 * closed connection). A real ApiServer with TLS and tokens over a real etcd.
 */
@Tag("etcd")
class SlowClientsTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String RW = "rw-0123456789abcdef";
    private static final int SLOW_CLIENTS = 50;
    /** Generous for a busy 2-core machine; a healthy daemon answers in milliseconds. */
    /** The slow clients stay (the rate is only checked after it) while /health is probed. */
    private static final ApiLimits LIMITS = new ApiLimits(ApiLimits.DEFAULTS.maxBodyBytes(),
            ApiLimits.DEFAULTS.bodyBytesInFlight(), Duration.ofSeconds(20), 1024, Duration.ofSeconds(8),
            ApiLimits.DEFAULTS.followProbe(), ApiLimits.DEFAULTS.commandTimeout());

    @TempDir
    Path dir;
    private TestCertificates ca;
    private Registry registry;
    private ApiServer server;
    private Path socket;
    private final List<RawConnection> connections = new ArrayList<>();
    private final ScheduledExecutorService drip = Executors.newScheduledThreadPool(2);
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-client-reader");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void start() throws IOException {
        ca = TestCertificates.authority(dir.resolve("pki"), "server");
        TestCertificates.Pair cert = ca.server("flotd");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, RW + " rw deploy\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        ApiSecurity security = new ApiSecurity(Optional.of(cert.cert()), Optional.of(cert.key()), Optional.empty(),
                AccessTokens.load(tokens), false);
        registry = Registry.connect(etcd.newConfig());
        socket = dir.resolve("api.sock");
        server = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(),
                        Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, security, LIMITS), registry,
                () -> new ApiServer.Health(true, "test", "ok"));
    }

    @AfterEach
    void stop() {
        drip.shutdownNow();
        connections.forEach(RawConnection::close);
        readers.shutdownNow();
        server.close();
        registry.close();
    }

    private int port() {
        return server.tcpAddress().orElseThrow().getPort();
    }

    private RawConnection tls() throws IOException {
        return RawConnection.tls(ca.ca(), port(), 10_000);
    }

    /** Starts a PUT of a 200-byte body and sends its first byte; the rest comes 1 byte every 2 s. */
    private CompletableFuture<String> slowPut(RawConnection c, String unit) throws IOException {
        connections.add(c);
        c.write("PUT /flotilla/v1/units/" + unit + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + RW
                + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{");
        drip.scheduleAtFixedRate(() -> {
            try {
                c.write(" ");
            } catch (IOException e) {
                throw new IllegalStateException(e); // cut off: stop dripping
            }
        }, 2, 2, TimeUnit.SECONDS);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.readToClose();
            } catch (IOException e) {
                return "closed: " + e;
            }
        }, readers);
    }

    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";

    /** Milliseconds for a whole /health exchange (TLS handshake included), or -1 when it failed. */
    private long healthOverTls() {
        long t0 = System.nanoTime();
        try (RawConnection c = RawConnection.tls(ca.ca(), port(), 5_000)) {
            c.write(HEALTH + "Authorization: Bearer " + RW + "\r\n\r\n");
            String answer = c.readToClose();
            return answer.startsWith("HTTP/1.1 200") ? (System.nanoTime() - t0) / 1_000_000 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private long healthOverUnix() {
        long t0 = System.nanoTime();
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try (RawConnection c = RawConnection.unix(socket)) {
                c.write(HEALTH + "\r\n");
                return c.readToClose();
            } catch (IOException e) {
                return "failed: " + e;
            }
        }, readers);
        try {
            String a = answer.get(5, TimeUnit.SECONDS);
            return a.startsWith("HTTP/1.1 200") ? (System.nanoTime() - t0) / 1_000_000 : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void healthAnswersWhileBodiesDripAndTheSlowClientsAreCutOff() throws Exception {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            answers.add(slowPut(tls(), "tls-" + i + ".service"));
            answers.add(slowPut(RawConnection.unix(socket), "unix-" + i + ".service"));
        }
        long connectedMs = (System.nanoTime() - t0) / 1_000_000;
        // Probed back to back while every slow client is still sending (the rate is checked after 8 s).
        List<Long> tlsMs = new ArrayList<>();
        List<Long> unixMs = new ArrayList<>();
        long probeEnd = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < probeEnd) {
            tlsMs.add(healthOverTls());
            unixMs.add(healthOverUnix());
        }
        long stillSending = answers.stream().filter(a -> !a.isDone()).count();
        System.out.printf("slow clients: %d connected in %d ms; /health during the drip (-1 = no answer in 5 s): "
                + "TLS %s, unix %s; %d slow clients still sending after the probes; load %s%n", answers.size(),
                connectedMs, summary(tlsMs), summary(unixMs), stillSending, loadAverage());
        // Answered at all (within the probe's 5 s): a daemon the slow clients froze answers none.
        // How fast is printed above, not asserted: a loaded 2-core machine can pause any JVM for a second.
        assertTrue(tlsMs.stream().allMatch(ms -> ms >= 0), "/health over TLS answered every probe: " + tlsMs);
        assertTrue(unixMs.stream().allMatch(ms -> ms >= 0), "/health over the unix socket answered every probe: " + unixMs);

        await().atMost(Duration.ofSeconds(60)).until(() -> answers.stream().allMatch(CompletableFuture::isDone));
        long cutMs = (System.nanoTime() - t0) / 1_000_000;
        int timedOut = 0;
        for (CompletableFuture<String> a : answers) {
            String answer = a.get();
            boolean closedWithout = answer.isEmpty() || answer.startsWith("closed");
            assertTrue(closedWithout || answer.startsWith("HTTP/1.1 408"), answer);
            if (answer.startsWith("HTTP/1.1 408")) {
                timedOut++;
                assertTrue(answer.contains("{\"error\":{\"code\":408,"), answer);
            }
        }
        System.out.printf("slow clients cut off after %d ms: %d answered 408, %d closed without answer%n", cutMs,
                timedOut, answers.size() - timedOut);
        assertEquals(0, registry.units().value().size(), "no slow PUT created a unit");
    }

    @Test
    void headersDrippingPastTheDeadlineLoseTheirConnection() throws Exception {
        Path other = dir.resolve("short.sock");
        ApiSecurity security = new ApiSecurity(Optional.of(ca.server("flotd2").cert()), Optional.of(ca.server("flotd2").key()),
                Optional.empty(), AccessTokens.load(dir.resolve("tokens")), false);
        try (ApiServer shortDeadline = ApiServer.start(new ApiServer.Config(Optional.of(other), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, security,
                ApiLimits.DEFAULTS.withRequestDeadline(Duration.ofSeconds(2))), registry,
                () -> new ApiServer.Health(true, "test", "ok"))) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            long t0 = System.nanoTime();
            for (RawConnection c : List.of(RawConnection.tls(ca.ca(), shortDeadline.tcpAddress().orElseThrow().getPort(),
                    10_000), RawConnection.unix(other))) {
                connections.add(c);
                c.write("GET /health HTTP/1.1\r\nX-Slow: ");
                // Well inside Jetty's idle timeout (30 s), so only the deadline can end it.
                drip.scheduleAtFixedRate(() -> {
                    try {
                        c.write("a");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, 500, 500, TimeUnit.MILLISECONDS);
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.readToClose();
                    } catch (IOException e) {
                        return "closed: " + e;
                    }
                }, readers));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> answers.stream().allMatch(CompletableFuture::isDone));
            System.out.printf("headers dripping 1 byte / 500 ms: connections closed after %d ms (deadline 2 s)%n",
                    (System.nanoTime() - t0) / 1_000_000);
            for (CompletableFuture<String> a : answers) {
                assertTrue(a.get().isEmpty() || a.get().startsWith("closed"), a.get());
            }
        }
    }

    /** n, min / median / max in ms. */
    static String summary(List<Long> ms) {
        List<Long> sorted = ms.stream().sorted().toList();
        return sorted.size() + " probes, min/median/max " + sorted.get(0) + "/" + sorted.get(sorted.size() / 2) + "/"
                + sorted.get(sorted.size() - 1) + " ms";
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
