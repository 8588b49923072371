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
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
    @Timeout(60) // a guard against a hang, not a speed claim
    void connectFailsAtOnceWithoutSystemd(@TempDir Path dir) {
        SystemdException.Unavailable e = assertThrows(SystemdException.Unavailable.class, () -> Systemd.connect(
                SystemdOptions.defaults().withTransport(Transport.PRIVATE_SOCKET).withPrivateSocket(dir.resolve("none"))));
        assertTrue(e.getMessage().startsWith("cannot connect to systemd"), e.getMessage());
    }

    @Test
    @Timeout(60) // a guard against a hang, not a speed claim: the connect timeout is 300 ms
    void connectGivesUpWhenThePeerNeverAnswers(@TempDir Path dir) throws IOException {
        Path sock = dir.resolve("mute");
        CountDownLatch testOver = new CountDownLatch(1);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    c.configureBlocking(true); // accepts, never speaks
                    testOver.await();
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
            System.out.printf("a mute peer was given up after %d ms (connect timeout 300 ms)%n",
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            testOver.countDown();
        }
        Files.deleteIfExists(sock);
    }
}
