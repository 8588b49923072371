package dev.flotilla.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValuesTest {

    @Test
    void jobResults() {
        assertEquals(JobResult.DONE, JobResult.fromSystemd("done"));
        assertEquals(JobResult.DEPENDENCY, JobResult.fromSystemd("dependency"));
        assertEquals(JobResult.OTHER, JobResult.fromSystemd("frozen"));
        assertEquals(JobResult.OTHER, JobResult.fromSystemd(null));
        assertTrue(JobResult.NOT_LOADED.isSuccess());
        assertFalse(JobResult.CANCELED.isSuccess());
    }

    @Test
    void unitStatus() {
        UnitStatus s = UnitStatus.notFound("x.service");
        assertEquals(new UnitStatus("x.service", "not-found", "inactive", "dead"), s);
        assertTrue(s.isInactiveDead());
        assertTrue(s.sameStateAs(new UnitStatus("y.service", "not-found", "inactive", "dead")));
        assertThrows(NullPointerException.class, () -> new UnitStatus("x", null, "a", "b"));
    }

    @Test
    void options() {
        SystemdOptions o = SystemdOptions.defaults();
        assertEquals(Transport.AUTO, o.transport());
        assertEquals(64, o.maxInFlight());
        assertEquals(Transport.SYSTEM_BUS, o.withTransport(Transport.SYSTEM_BUS).transport());
        assertThrows(IllegalArgumentException.class, () -> o.withMaxInFlight(200));
        assertThrows(IllegalArgumentException.class, () -> o.withConnectTimeout(Duration.ZERO));
    }

    @Test
    void connectFailsFastWithoutSystemd(@TempDir Path dir) {
        long t0 = System.nanoTime();
        SystemdException.Unavailable e = assertThrows(SystemdException.Unavailable.class, () -> Systemd.connect(
                SystemdOptions.defaults().withTransport(Transport.PRIVATE_SOCKET).withPrivateSocket(dir.resolve("none"))));
        assertTrue(e.getMessage().startsWith("cannot connect to systemd"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "fails fast");
    }

    @Test
    void connectFailsFastWhenThePeerNeverAnswers(@TempDir Path dir) throws IOException {
        Path sock = dir.resolve("mute");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    c.configureBlocking(true); // accepts, never speaks
                    Thread.sleep(10_000);
                } catch (IOException | InterruptedException ignored) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long t0 = System.nanoTime();
            assertThrows(SystemdException.Unavailable.class, () -> Systemd.connect(SystemdOptions.defaults()
                    .withTransport(Transport.PRIVATE_SOCKET).withPrivateSocket(sock)
                    .withConnectTimeout(Duration.ofMillis(300))));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5_000, "gave up after " + ms + " ms");
            acceptor.interrupt();
        }
        Files.deleteIfExists(sock);
    }
}
