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
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status and journal of a unit through the API of the daemon of its machine, with real processes
 * standing in for systemctl and journalctl (they print their arguments), over a real etcd.
 */
@Tag("etcd")
class UnitInspectionTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String HERE = "a".repeat(32);
    private static final String THERE = "b".repeat(32);
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";

    /** status: prints its arguments, exits 3 (systemctl's "not running"); journal: its arguments, then sleeps when following. */
    static final UnitCommands ECHO = new UnitCommands() {
        @Override
        public List<String> status(String unit) {
            return List.of("/bin/sh", "-c", "echo \"status $*\"; exit 3", "sh", unit);
        }

        @Override
        public List<String> journal(String unit, int lines, boolean follow) {
            return List.of("/bin/sh", "-c", follow ? "echo \"journal $*\"; sleep 1; echo more; exec sleep 30" : "echo \"journal $*\"",
                    "sh", unit, Integer.toString(lines));
        }
    };

    @TempDir
    Path dir;
    private Registry registry;
    /** Listings of unit states (every state, or one machine's) the daemon made. */
    private final java.util.concurrent.atomic.AtomicInteger stateListings = new java.util.concurrent.atomic.AtomicInteger();
    private ApiServer server;
    private FlotillaClient client;
    private MachinePresence here;
    private MachinePresence there;

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        server = ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(), Optional.empty()),
                countingStateListings(registry), () -> new ApiServer.Health(true, HERE, "ok"), List::of, ECHO);
        client = FlotillaClient.connect(Endpoint.parse("unix://" + dir.resolve("api.sock")), Duration.ofSeconds(30));
        here = registry.register(new Machine(HERE, "127.0.0.11", Map.of(), "t"), Duration.ofSeconds(30), "s1", Duration.ZERO);
        there = registry.register(new Machine(THERE, "127.0.0.12", Map.of(), "t", "https://127.0.0.12:49153"),
                Duration.ofSeconds(30), "s2", Duration.ZERO);
        client.submit("here.service", TEXT, null, false);
        client.submit("there.service", TEXT, null, false);
        client.submit("nowhere.service", TEXT, null, false);
        registry.publishState(here, new UnitState(HERE, "here.service", "h", "loaded", "active", "running"));
        registry.publishState(there, new UnitState(THERE, "there.service", "h", "loaded", "active", "running"));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        here.close();
        there.close();
        registry.close();
    }

    /** The daemon's registry, counting its calls of unitStates() and unitStates(machine). */
    private Registry countingStateListings(Registry real) {
        return (Registry) java.lang.reflect.Proxy.newProxyInstance(Registry.class.getClassLoader(), new Class<?>[] {Registry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("unitStates")) {
                        stateListings.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void findingAUnitsMachineListsNoStates() {
        stateListings.set(0);
        assertEquals("status here.service\n", client.unitStatus("here.service"));
        assertEquals(421, assertThrows(ApiException.class, () -> client.unitStatus("there.service")).status());
        assertEquals(404, assertThrows(ApiException.class, () -> client.unitStatus("nowhere.service")).status());
        assertEquals(0, stateListings.get(), "status reads the unit's own state keys, not every state of the cluster");
    }

    @Test
    void statusRunsOnTheUnitsMachine() {
        assertEquals("status here.service\n", client.unitStatus("here.service"));
    }

    @Test
    void aUnitOnAnotherMachineIs421NamingItsDaemon() {
        ApiException e = assertThrows(ApiException.class, () -> client.unitStatus("there.service"));
        assertEquals(421, e.status());
        assertTrue(e.getMessage().contains("runs on machine " + THERE + "; ask its daemon at https://127.0.0.12:49153"),
                e.getMessage());
        assertEquals("https://127.0.0.12:49153", e.apiUrl(), "the error body names the daemon to ask");
        ApiException journal = assertThrows(ApiException.class,
                () -> client.journal("there.service", 5, false, new ByteArrayOutputStream()));
        assertEquals(421, journal.status());
        assertEquals("https://127.0.0.12:49153", journal.apiUrl());
    }

    @Test
    void unitsOutsideTheClusterOrNotRunningAre404AndBadInput400() {
        assertEquals(404, assertThrows(ApiException.class, () -> client.unitStatus("sshd.service")).status());
        ApiException nowhere = assertThrows(ApiException.class, () -> client.unitStatus("nowhere.service"));
        assertEquals(404, nowhere.status());
        assertTrue(nowhere.getMessage().contains("not running on any machine"), nowhere.getMessage());
        assertEquals(400, assertThrows(ApiException.class, () -> client.unitStatus("bad name")).status());
        assertEquals(400, assertThrows(ApiException.class,
                () -> client.journal("here.service", 20_000, false, new ByteArrayOutputStream())).status());
    }

    @Test
    void theJournalGetsTheLineCount() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.journal("here.service", 42, false, out);
        assertEquals("journal here.service 42\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFollowedJournalStreamsBeforeTheCommandEnds() throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                seen.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                seen.write(b, off, len);
                if (seen.toString(StandardCharsets.UTF_8).endsWith("\n")) {
                    throw new IOException("enough"); // the reader goes away, as Ctrl-C would
                }
            }
        };
        CompletableFuture<Void> follow = CompletableFuture.runAsync(() -> client.journal("here.service", 3, true, sink));
        // The command sleeps for 30 s after its first line: the line arrives well before that.
        ApiException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> follow.get(20, TimeUnit.SECONDS)).getCause() instanceof ApiException a ? a : null;
        assertEquals("journal here.service 3\n", seen.toString(StandardCharsets.UTF_8));
        assertTrue(e != null && e.getMessage().contains("interrupted"), String.valueOf(e));
        // The daemon notices the reader left at its next write (the line 'more'), then stops the command.
        await().atMost(Duration.ofSeconds(20)).until(() -> server.openJournals() == 0);
    }
}
