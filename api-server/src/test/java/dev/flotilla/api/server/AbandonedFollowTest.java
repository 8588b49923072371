package dev.flotilla.api.server;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.Endpoint;
import dev.flotilla.api.FlotillaClient;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, finding 6: clients of a quiet followed journal that vanish, and commands that never
 * end. Real long-running processes stand in for journalctl and systemctl (they record their pid),
 * over a real etcd.
 */
@Tag("etcd")
class AbandonedFollowTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String HERE = "a".repeat(32);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private Registry registry;
    private ApiServer server;
    private FlotillaClient client;
    private MachinePresence here;
    private Path socket;

    /** Every command prints a line, records its pid and then stays silent (a quiet unit; a hung systemctl). */
    private UnitCommands quiet() {
        String script = "echo $$ >> " + dir.resolve("pids") + "; echo \"$0 $1\"; exec sleep 600";
        return new UnitCommands() {
            @Override
            public List<String> status(String unit) {
                return List.of("/bin/sh", "-c", script, "status", unit);
            }

            @Override
            public List<String> journal(String unit, int lines, boolean follow) {
                return List.of("/bin/sh", "-c", script, follow ? "follow" : "journal", unit);
            }
        };
    }

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        socket = dir.resolve("api.sock");
        ApiLimits limits = ApiLimits.DEFAULTS.withCommandTimeout(COMMAND_TIMEOUT);
        server = ApiServer.start(new ApiServer.Config(Optional.of(socket), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly(), limits), registry, () -> new ApiServer.Health(true, HERE, "ok"), List::of, quiet());
        client = FlotillaClient.connect(Endpoint.parse("unix://" + socket), Duration.ofSeconds(30));
        here = registry.register(new Machine(HERE, "127.0.0.11", Map.of(), "t"), Duration.ofSeconds(30), "s1", Duration.ZERO);
        client.submit("quiet.service", "[Service]\nExecStart=/bin/sleep infinity\n", null, false);
        registry.publishState(here, new UnitState(HERE, "quiet.service", "h", "loaded", "active", "running"));
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        server.close();
        here.close();
        registry.close();
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private List<Long> pids() throws IOException {
        Path file = dir.resolve("pids");
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
    }

    private long alive() throws IOException {
        return pids().stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).count();
    }

    private static final String FOLLOW = "GET /flotilla/v1/units/quiet.service/journal?follow=true HTTP/1.1\r\n"
            + "Host: localhost\r\n\r\n";

    @Test
    void followsOfVanishedClientsEndTheirJournalctl() throws Exception {
        List<RawConnection> followers = new ArrayList<>();
        // Half on the unix socket, half on TCP (where the first write after the client left still succeeds).
        for (int i = 0; i < UnitInspection.MAX_FOLLOWERS; i++) {
            RawConnection c = i % 2 == 0 ? RawConnection.unix(socket)
                    : RawConnection.tcp(server.tcpAddress().orElseThrow().getPort());
            c.write(FOLLOW);
            String head = c.readUntil("follow quiet.service");
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            followers.add(c);
        }
        assertEquals(UnitInspection.MAX_FOLLOWERS, server.openJournals());
        assertEquals(UnitInspection.MAX_FOLLOWERS, alive());
        long t0 = System.nanoTime();
        followers.forEach(RawConnection::close); // the clients vanish without a word
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openJournals() == 0 && alive() == 0);
        System.out.printf("%d abandoned follows of a quiet unit (unix socket and TCP) ended, their processes gone, after %d ms; load %s%n",
                followers.size(), (System.nanoTime() - t0) / 1_000_000, SlowClientsTest.loadAverage());

        // New follows are served again.
        try (RawConnection again = RawConnection.unix(socket)) {
            again.write(FOLLOW);
            assertTrue(again.readUntil("follow quiet.service").startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void aStatusOrJournalPastItsTimeLimitIs504AndItsProcessIsKilled() throws Exception {
        long t0 = System.nanoTime();
        ApiException status = assertThrows(ApiException.class, () -> client.unitStatus("quiet.service"));
        long statusMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, status.status());
        assertTrue(status.getMessage().contains("did not finish within 2 s"), status.getMessage());

        t0 = System.nanoTime();
        ByteArrayOutputStream journal = new ByteArrayOutputStream();
        client.journal("quiet.service", 10, false, journal);
        long journalMs = (System.nanoTime() - t0) / 1_000_000;
        // The first line came before the limit: the answer had begun, so its last line says it was cut short.
        assertEquals("journal quiet.service\n\n-- flotilla: /bin/sh -c " + quiet().journal("quiet.service", 10, false).get(2)
                + " journal quiet.service did not finish within 2 s; it was stopped --\n", journal.toString(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> alive() == 0);
        assertEquals(2, pids().size());
        System.out.printf("status answered 504 after %d ms, unfollowed journal cut short after %d ms (limit %d s); "
                + "load %s%n", statusMs, journalMs, COMMAND_TIMEOUT.toSeconds(), SlowClientsTest.loadAverage());
        assertFalse(server.openJournals() > 0);
    }
}
