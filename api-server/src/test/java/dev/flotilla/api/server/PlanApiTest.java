package dev.flotilla.api.server;

import dev.flotilla.api.ApiException;
import dev.flotilla.api.MachineDetail;
import dev.flotilla.api.PlanEntry;
import dev.flotilla.api.PlanReport;
import dev.flotilla.api.ResourceAmounts;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Resources;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /flotilla/v1/plan and GET /flotilla/v1/machines against a real etcd, with the engine's real pass. */
@Tag("etcd")
class PlanApiTest {
    @RegisterExtension
    static final ApiClusterFixture fixture = new ApiClusterFixture();
    private static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";

    private ApiCluster api;

    @BeforeEach
    void start(ApiCluster cluster) {
        api = cluster;
        api.machine("m1", "10.0.0.1", Map.of());
        api.machine("m2", "10.0.0.2", Map.of());
    }

    private UnitRecord stored(String name, String text, DesiredState desired, String machine) {
        api.client.submit(name, text, desired, false);
        UnitRecord u = api.registry.unit(name).orElseThrow().value();
        if (machine != null) {
            api.engine(new AssignmentChange.Assign(new Assignment(machine, name, u.hash(), desired)));
        }
        return u;
    }

    private static UnitSubmission launched(String name, String text) {
        return new UnitSubmission(name, text, "launched", null);
    }

    @Test
    void aNewUnitIsPlacedOnTheLeastLoadedMachineAndNothingIsWritten() {
        stored("old.service", TEXT, DesiredState.LAUNCHED, "m1");
        long revision = api.registry.revision();

        PlanReport plan = api.client.plan(List.of(launched("web.service", TEXT)));

        assertEquals(List.of(new PlanEntry("web.service", "place", "m2", "10.0.0.2", "", "", "")), plan.units());
        assertEquals(List.of(), plan.affected());
        assertEquals(revision, api.registry.revision(), "a plan writes nothing");
        assertTrue(api.registry.unit("web.service").isEmpty());
    }

    @Test
    void aReplacingUnitShowsTheUnitItMovesWithFromAndTo() {
        stored("old.service", TEXT, DesiredState.LAUNCHED, "m1");
        stored("other.service", TEXT, DesiredState.LAUNCHED, "m2");
        long revision = api.registry.revision();

        PlanReport plan = api.client.plan(List.of(launched("next.service", TEXT + "[X-Fleet]\nReplaces=old.service\n")));

        assertEquals(List.of(new PlanEntry("next.service", "place", "m1", "10.0.0.1", "", "", "")), plan.units());
        assertEquals(List.of(new PlanEntry("old.service", "move", "m2", "10.0.0.2", "m1", "10.0.0.1", "")), plan.affected());
        assertEquals(revision, api.registry.revision());
    }

    @Test
    void aUnitThatFitsNowhereWaitsWithTheSchedulersReasonAndClusterUnitsArePlannedByName() {
        stored("kept.service", TEXT, DesiredState.LAUNCHED, "m1");
        stored("idle.service", TEXT, DesiredState.INACTIVE, null);
        long revision = api.registry.revision();

        PlanReport plan = api.client.plan(List.of(
                launched("ssd.service", TEXT + "[X-Fleet]\nMachineMetadata=disk=ssd\n"),
                new UnitSubmission("idle.service", null, "launched", null),
                new UnitSubmission("kept.service", null, null, null),
                new UnitSubmission("kept.service".replace("kept", "stop"), TEXT, "inactive", null)));

        assertEquals(List.of("wait", "place", "stay", "inactive"), plan.units().stream().map(PlanEntry::verdict).toList());
        assertTrue(plan.units().get(0).reason().contains("disk"), plan.units().get(0).reason());
        assertEquals("m2", plan.units().get(1).machineID());
        assertEquals("m1", plan.units().get(2).machineID());
        assertTrue(plan.anyWaits());
        assertEquals(revision, api.registry.revision());
    }

    @Test
    void badUnitsAreRefusedLikeASubmissionNamingTheLine() {
        ApiException bad = assertThrows(ApiException.class, () -> api.client.plan(List.of(
                launched("good.service", TEXT), launched("bad.service", "[Service]\nExecStart=/bin/true\nthis is no option\n"))));
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().contains("units[1] (bad.service)") && bad.getMessage().contains("line 3"), bad.getMessage());

        ApiException missing = assertThrows(ApiException.class, () -> api.client.plan(List.of(
                new UnitSubmission("missing.service", null, "launched", null))));
        assertEquals(404, missing.status());
        assertTrue(missing.getMessage().contains("missing.service"), missing.getMessage());

        ApiException empty = assertThrows(ApiException.class, () -> api.client.plan(List.of()));
        assertEquals(400, empty.status());
    }

    @Test
    void tooManyUnitsOrTooLargeABodyIsRefusedWith413() throws Exception {
        List<UnitSubmission> many = new ArrayList<>();
        for (int i = 0; i <= UnitBatch.MAX_UNITS; i++) {
            many.add(new UnitSubmission("u" + i + ".service", null, null, null));
        }
        ApiException tooMany = assertThrows(ApiException.class, () -> api.client.plan(many));
        assertEquals(413, tooMany.status());

        byte[] huge = new byte[ApiLimits.DEFAULTS.maxBodyBytes() + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        assertEquals(413, api.raw("POST", "/flotilla/v1/plan", "application/json", huge).status());
        assertEquals(405, api.raw("GET", "/flotilla/v1/plan", null, (byte[]) null).status());
    }

    @Test
    void machinesShowCapacityAndWhatTheirUnitsAllocate() {
        api.machine("m3", "10.0.0.3", Map.of("role", "db"), new Resources(4000, 1536L << 20));
        stored("a.service", TEXT, DesiredState.LAUNCHED, "m3");
        stored("b.service", TEXT, DesiredState.LAUNCHED, "m3");
        stored("c.service", TEXT, DesiredState.LAUNCHED, "m1");
        stored("g.service", TEXT + "[X-Fleet]\nGlobal=true\nMachineMetadata=role=db\n", DesiredState.LAUNCHED, null);

        List<MachineDetail> machines = api.client.machineDetails();

        assertEquals(List.of("m1", "m2", "m3"), machines.stream().map(MachineDetail::id).toList());
        assertEquals(List.of(1, 0, 3), machines.stream().map(MachineDetail::units).toList());
        assertEquals(ResourceAmounts.NONE, machines.get(0).capacity());
        assertEquals(new ResourceAmounts(4000, 1536L << 20), machines.get(2).capacity());
        assertEquals(Map.of("role", "db"), machines.get(2).metadata());
        assertEquals("10.0.0.3", machines.get(2).primaryIP());
    }
}
