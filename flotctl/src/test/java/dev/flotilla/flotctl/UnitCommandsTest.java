package dev.flotilla.flotctl;

import dev.flotilla.json.JsonValue;
import dev.flotilla.json.Json;
import dev.flotilla.api.server.ApiSecurity;
import dev.flotilla.api.server.ApiServer;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every unit command of flotctl, in-process, against the real API server and a real etcd, with
 * the engine and agents simulated over the registry ({@link StandInEngineAndAgents}).
 */
@Tag("etcd")
class UnitCommandsTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();
    private static final String A = "a".repeat(32);
    private static final String B = "b".repeat(32);
    private static final String WEB = "[Unit]\nDescription=Web server\n\n[Service]\nExecStart=/bin/sleep infinity\n";

    @TempDir
    Path dir;
    private Registry registry;
    private ApiServer api;
    private StandInEngineAndAgents cluster;

    @BeforeEach
    void start() {
        registry = Registry.connect(etcd.newConfig());
        api = ApiServer.start(new ApiServer.Config(Optional.of(dir.resolve("api.sock")), Optional.empty(),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)), false, ApiSecurity.insecureLoopbackOnly()), registry, () -> new ApiServer.Health(true, "t", "ok"));
        cluster = new StandInEngineAndAgents(registry, List.of(
                new Machine(A, "127.0.0.10", Map.of("az", "a"), "t"),
                new Machine(B, "127.0.0.11", Map.of("az", "b"), "t")));
    }

    @AfterEach
    void stop() {
        assertEquals(List.of(), cluster.failures(), "the simulated engine and agents ran cleanly");
        cluster.close();
        api.close();
        registry.close();
    }

    record Run(int exit, String out, String err) {
    }

    private Run flotctl(String... args) {
        return flotctl(false, args);
    }

    private Run flotctl(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FlotctlMain main = new FlotctlMain();
        main.workingDir = dir;
        main.terminal = terminal;
        var cl = FlotctlMain.commandLine(main);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("--endpoint", "unix://" + dir.resolve("api.sock"), "--request-timeout=30"));
        all.addAll(List.of(args));
        return new Run(cl.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Waits for the simulated engine and agents (etcd watches, on a machine that may be loaded). */
    private static void awaitCluster(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(condition);
    }

    private UnitRecord unit(String name) {
        return registry.unit(name).orElseThrow().value();
    }

    @Test
    void submitThenCatPrintsTheExactBytes() throws Exception {
        String odd = "# comment\r\n[Unit]\r\nDescription=Wéb  \r\n[Service]\r\nExecStart=/bin/true\r\n;no final newline";
        file("web.service", odd);
        Run r = flotctl("submit", "web.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Unit web.service inactive\n", r.out());
        assertEquals(odd, unit("web.service").text());

        Run cat = flotctl("cat", "web");
        assertEquals(0, cat.exit(), cat.err());
        assertEquals(odd, cat.out());

        JsonValue json = Json.parse(flotctl("cat", "web.service", "--output", "json").out());
        assertEquals(odd, json.path("text").asText());
        assertEquals(UnitFile.parse("web.service", odd).hash(), json.path("hash").asText());

        assertEquals(0, flotctl("submit", "web.service").exit(), "submitting the same text again is fine");
        Run missing = flotctl("cat", "nothing");
        assertEquals(1, missing.exit());
        assertEquals("flotctl: unit nothing.service not found in the cluster\n", missing.err());
    }

    @Test
    void startBlocksUntilTheUnitIsActiveAndReportsWhere() throws Exception {
        file("web.service", WEB);
        Run r = flotctl("start", "./web.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Unit web.service launched on aaaaaaaa.../127.0.0.10\n", r.out());
        assertEquals(DesiredState.LAUNCHED, unit("web.service").desired());

        Run list = flotctl("list-units");
        assertEquals("UNIT\tMACHINE\tACTIVE\tSUB\nweb.service\taaaaaaaa.../127.0.0.10\tactive\trunning\n", list.out());
        String hash = unit("web.service").hash();
        assertEquals("UNIT\tHASH\tDSTATE\tSTATE\tTARGET\nweb.service\t" + hash.substring(0, 7)
                + "\tlaunched\tlaunched\taaaaaaaa.../127.0.0.10\n", flotctl("list-unit-files").out());
    }

    @Test
    void loadStopUnloadAndDestroyEachWaitForTheirState() throws Exception {
        file("web.service", WEB);
        Run load = flotctl("load", "web.service");
        assertEquals(0, load.exit(), load.err());
        assertEquals("Unit web.service loaded on aaaaaaaa.../127.0.0.10\n", load.out());
        assertEquals("web.service\tloaded\tinactive\n", flotctl("list-units", "--no-legend", "--fields", "unit,load,active").out());

        assertEquals(0, flotctl("start", "web").exit());
        Run stop = flotctl("stop", "web");
        assertEquals(0, stop.exit(), stop.err());
        assertEquals("Unit web.service loaded on aaaaaaaa.../127.0.0.10\n", stop.out());
        assertEquals("web.service\tinactive\tdead\n", flotctl("list-units", "--no-legend", "--fields", "unit,active,sub").out());

        Run unload = flotctl("unload", "web");
        assertEquals(0, unload.exit(), unload.err());
        assertEquals("Unit web.service inactive\n", unload.out());
        assertEquals("", flotctl("list-units", "--no-legend").out());
        assertEquals("web.service\tinactive\tinactive\t-\n", flotctl("list-unit-files", "--no-legend", "--fields",
                "unit,dstate,state,target").out());

        Run stopInactive = flotctl("stop", "web");
        assertEquals(1, stopInactive.exit());
        assertEquals("Unable to stop unit web.service in state inactive\n", stopInactive.err(), "fleetctl's words");

        assertEquals(0, flotctl("start", "web").exit());
        Run destroy = flotctl("destroy", "web");
        assertEquals(0, destroy.exit(), destroy.err());
        assertEquals("Destroyed web.service\n", destroy.out());
        assertTrue(registry.unit("web.service").isEmpty());
        assertEquals(List.of(), registry.unitStates().value(), "destroy waited until no state remained");

        Run again = flotctl("destroy", "web");
        assertEquals(0, again.exit());
        assertEquals("Units not found in registry\n", again.err(), "fleetctl's words");
        assertEquals("", again.out());
    }

    @Test
    void stopAndUnloadPassOverWhatFleetctlPassedOver() throws Exception {
        file("a.service", WEB);
        file("b.service", WEB);
        file("c.service", WEB);
        assertEquals(0, flotctl("start", "a.service", "b.service").exit());
        assertEquals(0, flotctl("load", "c.service").exit());

        Run stop = flotctl("stop", "a", "b", "c", "missing");
        assertEquals(0, stop.exit(), stop.err());
        assertTrue(stop.out().contains("Unit a.service loaded on "), stop.out());
        assertTrue(stop.out().contains("Unit b.service loaded on "), stop.out());
        assertFalse(stop.out().contains("c.service"), "already loaded: passed over, " + stop.out());
        assertTrue(stop.err().endsWith("Successfully stopped units [a.service b.service].\n"), stop.err());
        assertEquals(List.of(DesiredState.LOADED, DesiredState.LOADED, DesiredState.LOADED),
                List.of(unit("a.service").desired(), unit("b.service").desired(), unit("c.service").desired()));

        Run none = flotctl("stop", "missing", "other");
        assertEquals(0, none.exit());
        assertEquals("Units not found in registry\n", none.err());

        assertEquals(0, flotctl("unload", "a").exit());
        Run unload = flotctl("unload", "a", "b", "c");
        assertEquals(0, unload.exit(), unload.err());
        assertEquals(2, unload.out().lines().count(), "a.service was inactive already: " + unload.out());
        assertTrue(unload.err().endsWith("Successfully unloaded units [b.service c.service].\n"), unload.err());
        assertTrue(registry.units().value().stream().allMatch(u -> u.desired() == DesiredState.INACTIVE));

        Run refused = flotctl("stop", "b", "a");
        assertEquals(1, refused.exit());
        assertEquals("Unable to stop unit b.service in state inactive\n", refused.err());

        Run destroy = flotctl("destroy", "a", "missing", "b");
        assertEquals(0, destroy.exit(), destroy.err());
        assertEquals("Destroyed a.service\nDestroyed b.service\n", destroy.out());
        assertEquals("", destroy.err(), "a missing unit is passed over silently, as fleetctl did");
    }

    @Test
    void manyUnitsAreWrittenInOneRequestAndAllCheckedFirst() throws Exception {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            file("u" + i + ".service", "[Service]\nExecStart=/bin/sleep " + (i + 1) + "\n");
            args.add("u" + i + ".service");
        }
        List<String> submit = new ArrayList<>(List.of("submit"));
        submit.addAll(args);
        long before = registry.units().revision();
        Run r = flotctl(submit.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals(40, r.out().lines().filter(l -> l.endsWith(" inactive")).count());
        assertTrue(registry.units().revision() - before <= 2, "40 units in one transaction (the engine writes none:"
                + " all inactive)");

        file("u7.service", "[Service]\nExecStart=/bin/false\n");
        file("new.service", WEB);
        List<String> start = new ArrayList<>(List.of("start", "--no-block", "new.service"));
        start.addAll(args);
        Run refused = flotctl(start.toArray(String[]::new));
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("unit u7.service differs from the one in the cluster"), refused.err());
        assertTrue(registry.unit("new.service").isEmpty());

        start.add(1, "--replace");
        Run started = flotctl(start.toArray(String[]::new));
        assertEquals(0, started.exit(), started.err());
        assertTrue(started.out().startsWith("Unit u7.service replaced (hash "), started.out());
        assertEquals(41, started.out().lines().filter(l -> l.startsWith("Triggered unit ")).count());
        assertTrue(registry.units().value().stream().allMatch(u -> u.desired() == DesiredState.LAUNCHED));
    }

    @Test
    void startReplaceOfARunningUnitStartsARolloutThatRolloutCommandsSteer() throws Exception {
        file("web.service", WEB);
        file("db.service", WEB);
        assertEquals(0, flotctl("start", "web.service").exit());
        String changed = WEB.replace("infinity", "7");
        file("web.service", changed);
        Run started = flotctl("start", "--replace", "--no-block", "--max-parallel=2", "--min-healthy=3s", "--auto-revert",
                "web.service", "db.service");
        assertEquals(0, started.exit(), started.err());
        assertTrue(started.out().contains("Rollout "), started.out());
        assertTrue(started.out().contains("started: 1 units, at most 2 at a time"), started.out());
        assertEquals(WEB, unit("web.service").text(), "the engine, not flotctl, replaces the text");
        assertEquals(DesiredState.LAUNCHED, unit("db.service").desired(), "a unit not running starts as before");
        dev.flotilla.model.Rollout r = registry.rollouts().get(0).value();
        assertEquals(3000, r.settings().minHealthy().toMillis());
        assertTrue(r.settings().autoRevert());
        assertEquals(List.of("web.service"), r.unitNames());

        Run again = flotctl("start", "--replace", "--no-block", "web.service");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("web.service is in rollout " + r.id()), again.err());

        Run status = flotctl("rollout", "status");
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().startsWith("Rollout " + r.id() + ": running"), status.out());
        assertTrue(status.out().contains("web.service\tpending"), status.out());
        Run list = flotctl("rollout", "list");
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith(r.id() + "\trunning\t1\t0")), list.out());
        assertEquals(0, flotctl("rollout", "pause").exit());
        assertEquals(dev.flotilla.model.Rollout.Request.PAUSE, registry.rollout(r.id()).orElseThrow().value().request());
        Run resume = flotctl("rollout", "resume", r.id());
        assertEquals(1, resume.exit(), "only a paused rollout resumes (the stand-in engine carries nothing out)");
        assertTrue(resume.err().contains("only a paused rollout can be resumed"), resume.err());
        Run bad = flotctl("start", "--replace", "--min-healthy=soon", "web.service");
        assertEquals(2, bad.exit(), bad.err());
        assertTrue(bad.err().contains("--min-healthy: expected a time"), bad.err());
    }

    @Test
    void restartStopsThenStarts() throws Exception {
        file("web.service", WEB);
        assertEquals(0, flotctl("start", "web.service").exit());
        Run r = flotctl("restart", "web");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Unit web.service stopped\nUnit web.service launched on aaaaaaaa.../127.0.0.10\n", r.out());
        assertEquals(DesiredState.LAUNCHED, unit("web.service").desired());
    }

    @Test
    void noBlockOnlyTriggers() throws Exception {
        file("web.service", WEB);
        Run r = flotctl("start", "--no-block", "web.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Triggered unit web.service start\n", r.out());
        assertEquals(DesiredState.LAUNCHED, unit("web.service").desired());
    }

    @Test
    void aNameUsesTheClusterUnitEvenWithADifferentLocalFile() throws Exception {
        file("web.service", WEB);
        assertEquals(0, flotctl("submit", "web.service").exit());
        file("web.service", WEB.replace("infinity", "5"));
        Run r = flotctl("start", "web");
        assertEquals(0, r.exit(), r.err());
        assertEquals(WEB, unit("web.service").text());

        Run unknown = flotctl("start", "nothing");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("unit nothing.service not found"), unknown.err());
    }

    @Test
    void aChangedFileNeedsReplaceAndNothingIsWrittenWithoutIt() throws Exception {
        file("web.service", WEB);
        file("db.service", "[Service]\nExecStart=/bin/true\n");
        assertEquals(0, flotctl("start", "web.service").exit());
        String changed = WEB.replace("infinity", "5");
        file("web.service", changed);

        Run refused = flotctl("start", "db.service", "web.service");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().startsWith("flotctl: unit web.service differs from the one in the cluster"), refused.err());
        assertTrue(refused.err().contains("use --replace"), refused.err());
        assertEquals(WEB, unit("web.service").text());
        assertTrue(registry.unit("db.service").isEmpty(), "no unit was written, not even the good one");

        Run submitRefused = flotctl("submit", "web.service");
        assertEquals(1, submitRefused.exit());

        Run replaced = flotctl("start", "--replace", "--all-at-once", "web.service");
        assertEquals(0, replaced.exit(), replaced.err());
        String hash = UnitFile.parse("web.service", changed).hash();
        assertEquals("Unit web.service replaced (hash " + hash.substring(0, 7) + ")\n"
                + "Unit web.service launched on aaaaaaaa.../127.0.0.10\n", replaced.out());
        assertEquals(changed, unit("web.service").text());
        assertEquals(hash, registry.unitStates().value().get(0).hash(), "start waited for the new version");

        file("web.service", WEB);
        Run submitReplace = flotctl("submit", "--replace", "web.service");
        assertEquals(0, submitReplace.exit(), submitReplace.err());
        assertEquals(WEB, unit("web.service").text());
        assertEquals(DesiredState.LAUNCHED, unit("web.service").desired(), "submit --replace keeps the desired state");
    }

    @Test
    void anInstanceIsMadeFromALocalTemplate() throws Exception {
        file("web@.service", "[Unit]\nDescription=web %i\n[Service]\nExecStart=/bin/sleep %i\n[X-Fleet]\nMachineMetadata=az=%i\n");
        Run r = flotctl("start", "web@b.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Unit web@b.service launched on bbbbbbbb.../127.0.0.11\n", r.out(), "%i expanded in [X-Fleet]");
        assertEquals(Files.readString(dir.resolve("web@.service")), unit("web@b.service").text());
        assertTrue(registry.unit("web@.service").isEmpty(), "the template itself is not submitted");

        Run template = flotctl("start", "web@.service");
        assertEquals(1, template.exit());
        assertTrue(template.err().contains("is a template"), template.err());
        assertTrue(registry.unit("web@.service").isEmpty());
    }

    @Test
    void manyUnitsCostAFewRequestsNotSomePerUnit() throws Exception {
        file("job@.service", "[Service]\nExecStart=/bin/sleep infinity\n");
        assertEquals(0, flotctl("submit", "job@.service").exit());
        List<String> args = new ArrayList<>(List.of("start", "--no-block"));
        for (int i = 1; i <= 60; i++) {
            args.add("job@" + i);
        }
        file("job@1.service", "[Service]\nExecStart=/bin/sleep 1\n"); // one unit from a local file, compared with the cluster's
        long before = apiAnswers();
        Run r = flotctl(args.toArray(String[]::new));
        long requests = apiAnswers() - before - 1; // less the /metrics read itself
        assertEquals(0, r.exit(), r.err());
        assertEquals(60, registry.units().value().stream().filter(u -> u.name().startsWith("job@") && !u.name().equals("job@.service")).count());
        // which units exist (one listing), the template's text (one read), the writes (one batch)
        assertTrue(requests <= 4, "60 units took " + requests + " API requests");

        file("job@1.service", "[Service]\nExecStart=/bin/sleep 2\n");
        Run differs = flotctl("start", "--no-block", "job@1.service", "job@2");
        assertEquals(1, differs.exit());
        assertTrue(differs.err().contains("unit job@1.service differs from the one in the cluster"), differs.err());
    }

    /** Every answer the API server has given (all status classes), from its /metrics. */
    private long apiAnswers() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + api.tcpAddress().orElseThrow().getPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith("flotilla_api_requests_total{"))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void anInstanceIsMadeFromTheClustersTemplateFirst() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("units"));
        Files.writeString(sub.resolve("job@.service"), "[Service]\nExecStart=/bin/echo %i\n");
        assertEquals(0, flotctl("submit", "units/job@.service").exit());
        Files.writeString(sub.resolve("job@.service"), "[Service]\nExecStart=/bin/echo local %i\n");

        Run r = flotctl("start", "job@1", "units/job@2.service");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[Service]\nExecStart=/bin/echo %i\n", unit("job@1.service").text());
        assertEquals("[Service]\nExecStart=/bin/echo %i\n", unit("job@2.service").text());

        Run missing = flotctl("start", "other@1");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("its template other@.service is neither in the cluster nor on disk"), missing.err());
    }

    @Test
    void aWaitingUnitIsReportedWithItsReasonAndTimesOut() throws Exception {
        file("db.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=disk=ssd\n");
        // The engine's reason is there before the one short attempt starts, however slow the machine.
        assertEquals(0, flotctl("load", "--no-block", "db.service").exit());
        awaitCluster(() -> registry.waiting().value().containsKey("db.service"));
        Run r = flotctl("start", "--block-attempts=1", "db.service");
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertEquals("Unit db.service is waiting: no machine matches its MachineMetadata\n"
                + "flotctl: timed out after 1 attempt (2 s): 1 of 1 unit not launched\n"
                + "  db.service: not scheduled (waiting: no machine matches its MachineMetadata)\n", r.err());
        assertEquals("db.service\t" + unit("db.service").hash().substring(0, 7) + "\tlaunched\tinactive\t-\n",
                flotctl("list-unit-files", "--no-legend").out(), "fleet's unschedulable row");
    }

    @Test
    void aUnitThatNeverBecomesActiveTimesOutWithWhatItIsDoingAndOneAlreadyLaunchedIsPassedOver() throws Exception {
        cluster.stick("slow.service");
        file("slow.service", "[Service]\nExecStart=/bin/true\n");
        file("fast.service", "[Service]\nExecStart=/bin/true\n");
        assertEquals(0, flotctl("start", "--no-block", "fast.service").exit());
        awaitCluster(() -> registry.unitStates().value().stream().anyMatch(s -> s.unit().equals("fast.service")
                && s.activeState().equals("active")));
        Run r = flotctl(true, "start", "--block-attempts", "1", "fast.service", "slow.service");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("Unit fast.service launched on "), "already launched: judged once, announced: " + r.out());
        assertTrue(r.err().contains("0/1 units launched"), "a progress line on a terminal, of the waited units: " + r.err());
        assertTrue(r.err().contains("flotctl: timed out after 1 attempt (2 s): 1 of 1 unit not launched\n  slow.service: "), r.err());

        // the same again: both are launched already, nothing is written, nothing waited for (as fleetctl)
        Run again = flotctl("start", "fast.service", "slow.service");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.err().contains("Unit slow.service was already launched: not waiting (on aaaaaaaa.../127.0.0.10: loaded"
                + " activating start)"), again.err());
    }

    @Test
    void aStartThatFailsOnItsMachineExitsOneAtOnceWithoutWaitingForTheAttempts() throws Exception {
        cluster.failOnStart("bad.service");
        file("bad.service", "[Service]\nExecStart=/bin/false\n");
        file("good.service", "[Service]\nExecStart=/bin/true\n");
        // no --block-attempts: without the start marker this would wait forever
        Run r = flotctl("start", "good.service", "bad.service");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("Unit bad.service failed to start on aaaaaaaa.../127.0.0.10: loaded failed failed"), r.err());
        assertTrue(r.err().contains("journal"), "its journal lines, or why there are none: " + r.err());

        // the failed state is left from before now: a new start of it (desired already launched) is passed over
        Run again = flotctl("start", "bad.service");
        assertEquals(0, again.exit());
        assertTrue(again.err().contains("was already launched: not waiting"), again.err());
        // a restart writes again: answered failed again, exit 1 at once
        Run restart = flotctl("restart", "bad.service");
        assertEquals(1, restart.exit(), restart.out() + restart.err());
    }

    @Test
    void globalUnitsAreTriggeredAndListedPerMachine() throws Exception {
        file("mon.service", "[Unit]\nDescription=Monitor\n[Service]\nExecStart=/bin/true\n[X-Fleet]\nGlobal=true\n");
        Run r = flotctl("start", "mon");
        assertEquals(0, r.exit(), r.err());
        assertEquals("Triggered global unit mon.service start\n", r.out());
        String hash = unit("mon.service").hash().substring(0, 7);
        assertEquals("mon.service\t" + hash + "\tlaunched\t-\tglobal\ttrue\tMonitor\n",
                flotctl("list-unit-files", "--no-legend", "--fields", "unit,hash,dstate,state,target,global,desc").out());
        awaitCluster(() -> registry.unitStates().value().size() == 2);
        assertEquals("UNIT\tMACHINE\tACTIVE\tSUB\nmon.service\taaaaaaaa.../127.0.0.10\tactive\trunning\n"
                + "mon.service\tbbbbbbbb.../127.0.0.11\tactive\trunning\n", flotctl("list-units").out());

        Run destroy = flotctl("destroy", "mon");
        assertEquals(0, destroy.exit(), destroy.err());
        assertEquals(List.of(), registry.unitStates().value());
    }

    @Test
    void listsAsJsonAndWithFullIds() throws Exception {
        file("web.service", WEB);
        assertEquals(0, flotctl("start", "web.service").exit());
        String hash = unit("web.service").hash();
        assertEquals("web.service\t" + A + "/127.0.0.10\tloaded\t" + hash + "\n",
                flotctl("list-units", "-l", "--no-legend", "--fields", "unit,machine,load,hash").out());

        JsonValue units = Json.parse(flotctl("list-unit-files", "--output", "json").out());
        assertEquals("web.service", units.get(0).path("name").asText());
        assertEquals(A, units.get(0).path("machineID").asText());
        assertEquals("Web server", units.get(0).path("description").asText());
        JsonValue states = Json.parse(flotctl("list-units", "-o", "json").out());
        assertEquals("running", states.get(0).path("systemdSubState").asText());
        assertEquals("127.0.0.10", states.get(0).path("machineIP").asText());
    }

    @Test
    void brokenUnitFilesAreReportedWithFileAndLineAndNothingIsWritten() throws Exception {
        file("good.service", "[Service]\nExecStart=/bin/true\n");
        file("bad.service", "[Service]\nExecStart=/bin/true\nnot an assignment\n[X-Fleet]\nGlobal=true\nMachineID=" + A + "\n");
        Run r = flotctl("start", "good.service", "bad.service");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("flotctl: bad.service is not a valid unit file\nbad.service:3: "), r.err());
        assertTrue(r.err().contains("bad.service:6: "), r.err());
        assertEquals(List.of(), registry.units().value());
    }

    @Test
    void hostileAndInvalidNamesAreRefused() throws Exception {
        file(".hidden.service", "[Service]\nExecStart=/bin/true\n");
        Files.createDirectories(dir.resolve("sub"));
        for (String arg : List.of("a..b.service", "../x.service", ".hidden.service", "bad name", "web.bogus\\", "sub/..")) {
            Run r = flotctl("start", arg);
            assertEquals(1, r.exit(), arg + ": " + r.err());
            assertTrue(r.err().startsWith("flotctl: "), r.err());
        }
        assertEquals(1, flotctl("cat", "../../etc/passwd").exit());
        assertEquals(1, flotctl("destroy", "a..b").exit());
        assertEquals(List.of(), registry.units().value());
    }

    @Test
    void anOversizeFileIsRefused() throws Exception {
        file("big.service", "[Service]\n" + ("X-Pad=" + "a".repeat(1000) + "\n").repeat(1100));
        Run r = flotctl("submit", "big.service");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("larger than 524288 bytes"), r.err());
        assertEquals(List.of(), registry.units().value());
    }

    /** A revision the cluster never reached (etcd restored from an older backup): said at once, exit 1. */
    @Test
    void eventsSinceARevisionBeyondTheClusterFailWithBothRevisions() {
        long future = registry.revision() + 1000;
        Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> flotctl("events", "--since=" + future, "--count=1"));
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("since=" + future + " is beyond the cluster's revision "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, flotctl("start").exit());
        assertEquals(2, flotctl("stop", "--block-attempts=-1", "web").exit());
        assertEquals(2, flotctl("list-units", "--fields", "unit,colour").exit());
        assertEquals(2, flotctl("list-unit-files", "--output", "yaml").exit());
        assertEquals(2, flotctl("cat").exit());
    }

    @Test
    void warningsOfALocalFileArePrinted() throws Exception {
        file("web.service", WEB + "[X-Fleet]\nColour=blue\n");
        Run r = flotctl("submit", "web.service");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().startsWith("web.service:7: warning:"), r.err());
    }

    @Test
    void theUnitFileTextIsReadAsUtf8Bytes() throws Exception {
        byte[] bytes = "[Unit]\nDescription=caf\u00e9 \u2603\n[Service]\nExecStart=/bin/true\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("snow.service"), bytes);
        assertEquals(0, flotctl("submit", "snow.service").exit());
        assertEquals(new String(bytes, StandardCharsets.UTF_8), flotctl("cat", "snow").out());
        assertFalse(flotctl("list-unit-files", "--fields", "desc", "--no-legend").out().contains("?"));
    }
}
