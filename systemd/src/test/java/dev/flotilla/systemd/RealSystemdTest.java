package dev.flotilla.systemd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The client against a real systemd 252 (inside the flt-sdtest machine, as root, so AUTO = the
 * private socket). Every unit here is named flt-*, its file lives in /tmp/flt-test (machine tmpfs).
 * Figures are printed with the prefix "FIGURE".
 */
@RealSystemd
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealSystemdTest {

    private static final Path DIR = Path.of("/tmp/flt-test");
    /** Bounds, not timing goals: the machine shares 2 cores with other builds. */
    private static final Duration T = Duration.ofSeconds(30);
    private static final Duration JOB = Duration.ofSeconds(30);
    private static Systemd sd;
    private static Recorder rec;

    @BeforeAll
    static void connect() throws IOException {
        Files.createDirectories(DIR);
        sd = Systemd.connect(RealSystemd.OPTIONS);
        rec = new Recorder();
        sd.watch(rec);
        assertInstanceOf(SystemdConnectionState.Connected.class, sd.connectionState());
        assertEquals(Transport.PRIVATE_SOCKET, ((SystemdConnectionState.Connected) sd.connectionState()).transport());
    }

    @AfterAll
    static void close() {
        if (sd != null) {
            sd.close();
            assertInstanceOf(SystemdConnectionState.Closed.class, sd.connectionState());
        }
    }

    @Test
    @Order(1)
    void linkStartReadsActiveRunningThenStop() throws Exception {
        Path f = unit("flt-basic.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        sd.linkRuntime(List.of(f));
        sd.linkRuntime(List.of(f)); // idempotent
        assertTrue(Files.isSymbolicLink(Path.of("/run/systemd/system/flt-basic.service")));

        assertEquals(JobResult.DONE, sd.start("flt-basic.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        UnitStatus st = sd.statuses(List.of("flt-basic.service")).get("flt-basic.service");
        assertEquals(new UnitStatus("flt-basic.service", "loaded", "active", "running"), st);
        await().atMost(T).until(() -> rec.saw("flt-basic.service", "active", "running"));

        assertEquals(JobResult.DONE, sd.stop("flt-basic.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        // stopped and GC'd, but the file is linked: systemd reports it loaded/inactive/dead
        assertEquals(new UnitStatus("flt-basic.service", "loaded", "inactive", "dead"), sd.status("flt-basic.service"));
        await().atMost(T).until(() -> rec.last("flt-basic.service") != null && rec.last("flt-basic.service").isInactiveDead());

        sd.unlinkRuntime(List.of("flt-basic.service"));
        sd.unlinkRuntime(List.of("flt-basic.service")); // idempotent
        assertFalse(Files.exists(Path.of("/run/systemd/system/flt-basic.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    @Order(2)
    void processExitIsSignalledToTheListener() throws Exception {
        List<Long> latenciesMicros = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String name = "flt-exit" + i + ".service";
            Path stamp = DIR.resolve("exit" + i + ".ns");
            // The process writes its wall-clock time in ns right before it exits.
            Path f = unit(name, "[Service]\nExecStart=/bin/sh -c 'sleep 0.2; date +%%s%%N > " + stamp + "'\n");
            sd.linkRuntime(List.of(f));
            assertEquals(JobResult.DONE, sd.start(name).get(JOB.toSeconds(), TimeUnit.SECONDS));
            await().atMost(T).until(() -> rec.saw(name, "active", "running"));
            await().atMost(T).until(() -> rec.last(name) != null && rec.last(name).isInactiveDead());
            Instant exited = nanosToInstant(Files.readString(stamp).trim());
            Instant heard = rec.firstAfter(name, "inactive", "dead", exited);
            assertTrue(heard != null, "no inactive/dead event after the exit of " + name);
            latenciesMicros.add(Duration.between(exited, heard).toNanos() / 1000);
        }
        Collections.sort(latenciesMicros);
        System.out.printf("FIGURE process exit -> listener callback (private socket, 5 units): median %.1f ms, max %.1f ms, all %s us%n",
                latenciesMicros.get(2) / 1000.0, latenciesMicros.get(4) / 1000.0, latenciesMicros);
    }

    @Test
    @Order(2)
    void restartsAndTheStateChangeTimeComeWithTheSignals() throws Exception {
        String name = "flt-dies.service";
        Path f = unit(name, "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sh -c 'sleep 0.3; exit 1'\n"
                + "Restart=always\nRestartSec=0.2\n");
        sd.linkRuntime(List.of(f));
        long before = System.currentTimeMillis() * 1000;
        assertEquals(JobResult.DONE, sd.start(name).get(JOB.toSeconds(), TimeUnit.SECONDS));
        await().atMost(T).until(() -> rec.last(name) != null && rec.last(name).restarts() >= 2 && rec.last(name).isActive());
        UnitStatus last = rec.last(name);
        assertTrue(last.sinceMicros() >= before - 1_000_000, "StateChangeTimestamp of the last change: " + last);
        String shown = systemctlShow(name, "NRestarts");
        assertTrue(Integer.parseInt(shown) >= last.restarts(), "systemd's count " + shown + " vs " + last);
        assertEquals(JobResult.DONE, sd.stop(name).get(JOB.toSeconds(), TimeUnit.SECONDS));
        sd.unlinkRuntime(List.of(name));
    }

    private static String systemctlShow(String unit, String property) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("systemctl", "show", "-p", property, "--value", unit).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    @Test
    @Order(3)
    void stopOfGarbageCollectedOrUnknownUnitIsSuccess() throws Exception {
        Path f = unit("flt-gc.service", "[Service]\nExecStart=/bin/true\n");
        sd.linkRuntime(List.of(f));
        sd.reload();
        // ran, exited, garbage-collected
        assertEquals(JobResult.DONE, sd.start("flt-gc.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        await().atMost(T).until(() -> rec.last("flt-gc.service") != null && rec.last("flt-gc.service").isInactiveDead());
        await().atMost(T).until(() -> !isLoaded("flt-gc.service"));
        sd.resetFailed("flt-gc.service"); // NoSuchUnit inside: fine
        // StopUnit loads a unit whose file exists and runs a no-op stop job: DONE
        assertEquals(JobResult.DONE, sd.stop("flt-gc.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        // once its file is gone, systemd answers NoSuchUnit ("not loaded"): NOT_LOADED, a success too
        sd.unlinkRuntime(List.of("flt-gc.service"));
        sd.reload();
        await().atMost(T).until(() -> !isLoaded("flt-gc.service"));
        assertEquals(JobResult.NOT_LOADED, sd.stop("flt-gc.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        assertEquals(JobResult.NOT_LOADED, sd.stop("flt-nothere.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        sd.resetFailed("flt-nothere.service");

        sd.linkRuntime(List.of(f));
        sd.reload();
        Map<String, UnitStatus> st = sd.statuses(List.of("flt-gc.service", "flt-nothere.service", "invalid-name"));
        assertEquals(new UnitStatus("flt-gc.service", "loaded", "inactive", "dead"), st.get("flt-gc.service"));
        assertEquals(UnitStatus.notFound("flt-nothere.service"), st.get("flt-nothere.service"));
        assertEquals(UnitStatus.notFound("invalid-name"), st.get("invalid-name"));

        // start of an unknown unit is an error, and the D-Bus error name survives
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> sd.start("flt-nothere.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        SystemdException.Rejected r = assertInstanceOf(SystemdException.Rejected.class, e.getCause());
        assertEquals("org.freedesktop.systemd1.NoSuchUnit", r.errorName().orElseThrow());
    }

    @Test
    @Order(4)
    void failedUnitStaysUntilResetFailed() throws Exception {
        Path f = unit("flt-fail.service", "[Service]\nExecStart=/bin/false\n");
        sd.linkRuntime(List.of(f));
        sd.start("flt-fail.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
        await().atMost(T).until(() -> sd.status("flt-fail.service").isFailed());
        await().atMost(T).until(() -> rec.last("flt-fail.service") != null && rec.last("flt-fail.service").isFailed());
        sd.resetFailed("flt-fail.service");
        sd.resetFailed("flt-fail.service"); // now GC'd: NoSuchUnit = fine
        assertTrue(sd.status("flt-fail.service").isInactiveDead());
        await().atMost(T).until(() -> rec.last("flt-fail.service").isInactiveDead());
    }

    @Test
    @Order(5)
    void changedUnitFileNeedsReloadAndRestartPicksItUp() throws Exception {
        Path out = DIR.resolve("changed.out");
        String text = "[Service]\nExecStart=/bin/sh -c 'echo %s > " + out + "; exec sleep 1000'\n";
        Path f = unit("flt-changed.service", String.format(text, "v1"));
        sd.linkRuntime(List.of(f));
        assertEquals(JobResult.DONE, sd.start("flt-changed.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        await().atMost(T).until(() -> read(out).equals("v1"));
        assertFalse(sd.needsReload("flt-changed.service"));

        Files.writeString(f, String.format(text, "v2"));
        await().atMost(T).until(() -> sd.needsReload("flt-changed.service"));
        long t0 = System.nanoTime();
        sd.reload();
        System.out.printf("FIGURE Reload() took %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        assertFalse(sd.needsReload("flt-changed.service"));
        assertEquals(JobResult.DONE, sd.restart("flt-changed.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        await().atMost(T).until(() -> read(out).equals("v2"));
        assertTrue(sd.status("flt-changed.service").isActive());
        sd.stop("flt-changed.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @Order(6)
    void reloadBurstIsNotReportedAsGone() throws Exception {
        Path f = unit("flt-steady.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        sd.linkRuntime(List.of(f));
        sd.start("flt-steady.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
        await().atMost(T).until(() -> rec.saw("flt-steady.service", "active", "running"));
        int before = rec.count("flt-steady.service");
        sd.reload();
        sd.reload();
        // A marker started after the reloads: its events come after the whole reload burst.
        Path m = unit("flt-marker.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        sd.linkRuntime(List.of(m));
        sd.start("flt-marker.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
        await().atMost(T).until(() -> rec.saw("flt-marker.service", "active", "running"));
        assertEquals(before, rec.count("flt-steady.service"), () -> "events during reload: " + rec.events("flt-steady.service"));
        assertTrue(rec.last("flt-steady.service").isActive());
        sd.stop("flt-steady.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
        sd.stop("flt-marker.service").get(JOB.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @Order(7)
    void enabledWantedByPullsItsSidekick() throws Exception {
        Path main = unit("flt-main.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        Path side = unit("flt-side.service",
                "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=flt-main.service\n");
        sd.linkRuntime(List.of(main, side));
        sd.enableRuntime(List.of("flt-side.service"));
        Path wants = Path.of("/run/systemd/system/flt-main.service.wants/flt-side.service");
        assertTrue(Files.isSymbolicLink(wants));
        sd.reload(); // the .wants link is read when flt-main is loaded
        assertEquals(JobResult.DONE, sd.start("flt-main.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        await().atMost(T).until(() -> sd.status("flt-side.service").isActive());

        CompletableFuture.allOf(sd.stop("flt-main.service"), sd.stop("flt-side.service")).get(JOB.toSeconds(), TimeUnit.SECONDS);
        sd.disableRuntime(List.of("flt-side.service"));
        assertFalse(Files.exists(wants, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(Path.of("/run/systemd/system/flt-side.service")), "disable keeps the unit linked");
        sd.reload();
        assertEquals(JobResult.DONE, sd.start("flt-main.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        assertTrue(sd.status("flt-side.service").isInactiveDead(), "no longer wanted");
        sd.stop("flt-main.service").get(JOB.toSeconds(), TimeUnit.SECONDS);

        sd.unlinkRuntime(List.of("flt-main.service", "flt-side.service", "flt-never-linked.service"));
        assertFalse(Files.exists(Path.of("/run/systemd/system/flt-side.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(Path.of("/run/systemd/system/flt-main.service"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    @Order(8)
    void hundredTemplateInstancesPipelined() throws Exception {
        Path f = unit("flt-tick@.service", "[Service]\nExecStart=/bin/sleep 1000\n");
        sd.linkRuntime(List.of(f));
        List<String> names = IntStream.rangeClosed(1, 100).mapToObj(i -> "flt-tick@" + i + ".service").toList();

        long t0 = System.nanoTime();
        List<CompletableFuture<JobResult>> starts = names.stream().map(sd::start).toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long started = System.nanoTime() - t0;
        Map<String, UnitStatus> st = sd.statuses(names);
        long listed = System.nanoTime() - t0;
        for (CompletableFuture<JobResult> s : starts) {
            assertEquals(JobResult.DONE, s.join());
        }
        for (UnitStatus s : st.values()) {
            assertEquals("active/running", s.activeState() + "/" + s.subState(), s.name());
        }
        await().atMost(T).until(() -> names.stream().allMatch(n -> rec.saw(n, "active", "running")));
        long heard = System.nanoTime() - t0;

        long t1 = System.nanoTime();
        List<CompletableFuture<JobResult>> stops = names.stream().map(sd::stop).toList();
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long stopped = System.nanoTime() - t1;
        for (UnitStatus s : sd.statuses(names).values()) {
            assertTrue(s.isInactiveDead(), s::toString);
        }
        System.out.printf("FIGURE 100 template instances, pipelined StartUnit: all jobs done in %.0f ms, "
                + "statuses() confirms all active/running at %.0f ms, listener heard all running at %.0f ms; "
                + "pipelined stop of all 100: %.0f ms%n", started / 1e6, listed / 1e6, heard / 1e6, stopped / 1e6);
    }

    @Test
    @Order(9)
    void systemBusClientWorksToo() throws Exception {
        Recorder busRec = new Recorder();
        try (Systemd bus = Systemd.connect(RealSystemd.OPTIONS.withTransport(Transport.SYSTEM_BUS))) {
            bus.watch(busRec);
            assertEquals(Transport.SYSTEM_BUS, ((SystemdConnectionState.Connected) bus.connectionState()).transport());
            Path stamp = DIR.resolve("bus-exit.ns");
            Path f = unit("flt-bus.service", "[Service]\nExecStart=/bin/sh -c 'sleep 0.2; date +%%s%%N > " + stamp + "'\n");
            bus.linkRuntime(List.of(f));
            assertEquals(JobResult.DONE, bus.start("flt-bus.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
            await().atMost(T).until(() -> busRec.saw("flt-bus.service", "active", "running"));
            await().atMost(T).until(() -> busRec.last("flt-bus.service") != null && busRec.last("flt-bus.service").isInactiveDead());
            Instant exited = nanosToInstant(Files.readString(stamp).trim());
            Instant heard = busRec.firstAfter("flt-bus.service", "inactive", "dead", exited);
            assertTrue(heard != null);
            System.out.printf("FIGURE process exit -> listener callback (system bus): %.1f ms%n",
                    Duration.between(exited, heard).toNanos() / 1e6);

            // pipelining over the bus respects dbus-daemon's pending-reply limit (maxInFlight 64 < 128)
            List<String> names = IntStream.rangeClosed(1, 150).mapToObj(i -> "flt-bus@" + i + ".service").toList();
            bus.linkRuntime(List.of(unit("flt-bus@.service", "[Service]\nExecStart=/bin/sleep 1000\n")));
            long t0 = System.nanoTime();
            CompletableFuture.allOf(names.stream().map(bus::start).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long started = System.nanoTime() - t0;
            for (UnitStatus s : bus.statuses(names).values()) {
                assertTrue(s.isActive(), s::toString);
            }
            CompletableFuture.allOf(names.stream().map(bus::stop).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            System.out.printf("FIGURE 150 template instances pipelined over the system bus: all jobs done in %.0f ms%n", started / 1e6);
        }
    }

    @Test
    @Order(10)
    void daemonReexecReconnectsAndResyncs() throws Exception {
        Recorder busRec = new Recorder();
        try (Systemd bus = Systemd.connect(RealSystemd.OPTIONS.withTransport(Transport.SYSTEM_BUS))) {
            bus.watch(busRec);
            int resyncs = rec.resyncs.get();
            Instant before = Instant.now();
            run("systemctl", "daemon-reexec");
            await().atMost(T).until(() -> rec.resyncs.get() > resyncs);
            SystemdConnectionState st = sd.connectionState();
            assertInstanceOf(SystemdConnectionState.Connected.class, st);
            assertTrue(rec.states.stream().anyMatch(s -> s instanceof SystemdConnectionState.Reconnecting), "saw reconnecting");
            System.out.printf("FIGURE daemon-reexec -> private-socket client reconnected, resync delivered: %d ms after "
                    + "the command started%n", Duration.between(before, st.since()).toMillis());
            // the bus connection survives a re-exec, but signals in between may be lost: it resyncs too
            await().atMost(T).until(() -> busRec.resyncs.get() > 0);
            assertInstanceOf(SystemdConnectionState.Connected.class, bus.connectionState());

            // both keep working: calls, jobs and signals
            Path f = unit("flt-after.service", "[Service]\nExecStart=/bin/sh -c 'sleep 0.2'\n");
            sd.linkRuntime(List.of(f));
            assertEquals(JobResult.DONE, sd.start("flt-after.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
            await().atMost(T).until(() -> rec.saw("flt-after.service", "active", "running"));
            await().atMost(T).until(() -> rec.last("flt-after.service").isInactiveDead());
            await().atMost(T).until(() -> busRec.saw("flt-after.service", "active", "running"));
            assertEquals(JobResult.DONE, bus.start("flt-after.service").get(JOB.toSeconds(), TimeUnit.SECONDS));
        }

        // a second re-exec with 50 pipelined starts racing it: every future ends (done, or failed as
        // Unavailable when its connection dropped first), none hangs, and a resync follows
        int resyncs2 = rec.resyncs.get();
        List<String> names = IntStream.rangeClosed(1, 50).mapToObj(i -> "flt-race@" + i + ".service").toList();
        sd.linkRuntime(List.of(unit("flt-race@.service", "[Service]\nExecStart=/bin/sleep 1000\n")));
        Process reexec = new ProcessBuilder("systemctl", "daemon-reexec").redirectErrorStream(true).start();
        List<CompletableFuture<JobResult>> racing = names.stream().map(sd::start).toList();
        assertTrue(reexec.waitFor(30, TimeUnit.SECONDS));
        CompletableFuture.allOf(racing.stream().map(f -> f.handle((r, e) -> {
            assertTrue(e == null || e.getCause() instanceof SystemdException.Unavailable
                    || e instanceof SystemdException.Unavailable, () -> "unexpected: " + e);
            return null;
        })).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long failed = racing.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        await().atMost(T).until(() -> rec.resyncs.get() > resyncs2);
        await().atMost(T).untilAsserted(() -> assertEquals("loaded", sd.status("flt-after.service").loadState()));
        long running = sd.statuses(names).values().stream().filter(UnitStatus::isActive).count();
        System.out.printf("FIGURE 50 starts racing a daemon-reexec: %d done, %d failed as Unavailable; %d running after "
                + "the resync%n", names.size() - failed, failed, running);
        CompletableFuture.allOf(names.stream().map(sd::stop).toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Path unit(String name, String text) throws IOException {
        Path f = DIR.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Instant nanosToInstant(String nanos) {
        long n = Long.parseLong(nanos);
        return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + out);
    }

    /** GetUnit answers only for loaded units (it never loads one), asked here with busctl. */
    private static boolean isLoaded(String name) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("busctl", "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager", "GetUnit", "s", name).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        if (p.exitValue() != 0) {
            assertTrue(out.contains("not loaded"), out);
        }
        return p.exitValue() == 0;
    }

    /** Records every callback with the time it arrived. */
    static final class Recorder implements UnitStateListener {
        record Event(String name, UnitStatus status, Instant at) {
        }

        final ConcurrentLinkedQueue<Event> all = new ConcurrentLinkedQueue<>();
        final AtomicInteger resyncs = new AtomicInteger();
        final ConcurrentLinkedQueue<SystemdConnectionState> states = new ConcurrentLinkedQueue<>();

        @Override
        public void changed(String name, UnitStatus status) {
            all.add(new Event(name, status, Instant.now()));
        }

        @Override
        public void resync() {
            resyncs.incrementAndGet();
        }

        @Override
        public void connectionChanged(SystemdConnectionState state) {
            states.add(state);
        }

        boolean saw(String name, String active, String sub) {
            return all.stream().anyMatch(e -> e.name.equals(name) && e.status.activeState().equals(active)
                    && e.status.subState().equals(sub));
        }

        UnitStatus last(String name) {
            UnitStatus last = null;
            for (Event e : all) {
                if (e.name.equals(name)) {
                    last = e.status;
                }
            }
            return last;
        }

        int count(String name) {
            return (int) all.stream().filter(e -> e.name.equals(name)).count();
        }

        List<Event> events(String name) {
            return all.stream().filter(e -> e.name.equals(name)).toList();
        }

        Instant firstAfter(String name, String active, String sub, Instant after) {
            return all.stream().filter(e -> e.name.equals(name) && e.status.activeState().equals(active)
                    && e.status.subState().equals(sub) && !e.at.isBefore(after)).map(Event::at).findFirst().orElse(null);
        }
    }
}
