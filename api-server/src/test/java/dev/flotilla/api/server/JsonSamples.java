package dev.flotilla.api.server;

import dev.flotilla.api.ApiError;
import dev.flotilla.api.ClusterEvent;
import dev.flotilla.api.EngineStatus;
import dev.flotilla.api.MachineDetail;
import dev.flotilla.api.MachineDetails;
import dev.flotilla.api.MachineEntity;
import dev.flotilla.api.MachinePage;
import dev.flotilla.api.PlanEntry;
import dev.flotilla.api.PlanReport;
import dev.flotilla.api.ResourceAmounts;
import dev.flotilla.api.RolloutPage;
import dev.flotilla.api.RolloutRequest;
import dev.flotilla.api.RolloutView;
import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitChange;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitPage;
import dev.flotilla.api.UnitRequest;
import dev.flotilla.api.UnitResult;
import dev.flotilla.api.UnitResults;
import dev.flotilla.api.UnitStateEntity;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.api.UnitStatePage;
import dev.flotilla.api.UnitSubmission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of every entity the API writes (and flotctl prints), each with its fields full, empty
 * and null, to pin their JSON: fleetctl and fleet users' scripts read it byte for byte.
 */
final class JsonSamples {
    /** Quotes, backslashes, every control character, non-ASCII and a surrogate pair. */
    static final String TRICKY;

    static {
        StringBuilder sb = new StringBuilder("q\"b\\s/ é ü 日本 \uD83D\uDE80 \u007f \u2028 ");
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        TRICKY = sb.toString();
    }

    private JsonSamples() {
    }

    static Map<String, Object> all() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("ApiError.full", ApiError.of(421, "ask " + TRICKY, "https://10.0.0.2:49153"));
        s.put("ApiError.empty", ApiError.of(0, "", ""));
        s.put("ApiError.null", ApiError.of(404, null, null));
        s.put("ApiError.nullDetail", new ApiError(null));

        MachineEntity m = new MachineEntity("m1", "10.0.0.1", Map.of("region", "eu", "disk", "ssd " + TRICKY),
                "https://10.0.0.1:49153", new MachineEntity.Capacity(4000, 8L << 30));
        MachineEntity mEmpty = new MachineEntity("", "", Map.of(), "", new MachineEntity.Capacity(0, 0));
        MachineEntity mNull = new MachineEntity(null, null, null, null, null);
        s.put("MachineEntity.full", m);
        s.put("MachineEntity.empty", mEmpty);
        s.put("MachineEntity.null", mNull);
        s.put("MachinePage.full", new MachinePage(List.of(m, mEmpty), "tok"));
        s.put("MachinePage.empty", new MachinePage(List.of(), ""));
        s.put("MachinePage.null", new MachinePage(null, null));

        MachineDetail md = new MachineDetail("m1", "10.0.0.1", Map.of("b", "2", "a", "1"), "https://x",
                new ResourceAmounts(2000, 1L << 40), new ResourceAmounts(1500, 123456789012L), 7);
        s.put("MachineDetails.full", new MachineDetails(List.of(md,
                new MachineDetail(null, null, null, null, null, null, 0))));
        s.put("MachineDetails.null", new MachineDetails(null));
        s.put("EngineStatus.full", new EngineStatus("m1"));
        s.put("EngineStatus.null", new EngineStatus(null));

        Unit.Option o = new Unit.Option("Service", "ExecStart", "/bin/sh -c 'echo \"$HOME\"'\\\n\tmore");
        Unit u = new Unit("web@1.service", List.of(o, new Unit.Option("", "", ""), new Unit.Option(null, null, null)),
                "launched", "inactive", "m1");
        s.put("Unit.full", u);
        s.put("Unit.empty", new Unit("", List.of(), "", "", ""));
        s.put("Unit.null", new Unit(null, null, null, null, null));
        s.put("UnitPage.full", new UnitPage(List.of(u, u), "10"));
        s.put("UnitPage.empty", new UnitPage(List.of(), ""));
        s.put("UnitPage.null", new UnitPage(null, null));

        UnitStateEntity st = new UnitStateEntity("web.service", "abc", "m1", "loaded", "active", "running");
        s.put("UnitStateEntity.full", st);
        s.put("UnitStateEntity.empty", new UnitStateEntity("", "", "", "", "", ""));
        s.put("UnitStateEntity.null", new UnitStateEntity(null, null, null, null, null, null));
        s.put("UnitStatePage.full", new UnitStatePage(List.of(st), "tok"));
        s.put("UnitStatePage.empty", new UnitStatePage(List.of(), ""));
        s.put("UnitStatePage.null", new UnitStatePage(null, null));

        UnitFileEntry fe = new UnitFileEntry("web.service", "abc", "launched", "launched", "m1", "10.0.0.1", true,
                "A web " + TRICKY, "no machine", 3, "exit 1", "2026-01-01T00:00:00Z");
        UnitStateEntry se = new UnitStateEntry("web.service", "m1", "10.0.0.1", "abc", "loaded", "active", "running",
                Long.MAX_VALUE, Integer.MIN_VALUE, 1764633600123456L);
        s.put("UnitListing.full", new UnitListing(List.of(fe,
                new UnitFileEntry(null, null, null, null, null, null, false, null, null, 0, null, null)),
                List.of(se, new UnitStateEntry(null, null, null, null, null, null, null, 0, 0, 0))));
        s.put("UnitListing.null", new UnitListing(null, null));
        s.put("UnitDetail.full", new UnitDetail("web.service", "[Service]\nExecStart=/bin/true\n" + TRICKY, "abc",
                "launched", "inactive", "m1", "10.0.0.1", false, "d", "w", 2, "f", "t"));
        s.put("UnitDetail.null", new UnitDetail(null, null, null, null, null, null, null, true, null, null, 0, null, null));

        s.put("UnitChange.full", new UnitChange(UnitChange.CREATED, "web.service", "abc", "launched", 42));
        s.put("UnitChange.null", new UnitChange(null, null, null, null, 0));
        UnitResult r1 = new UnitResult("a.service", 201, "created", "abc", "launched", null, 9);
        UnitResult r2 = new UnitResult("", 0, "", "", "", "", 0);
        UnitResult r3 = new UnitResult(null, 400, null, null, null, "bad " + TRICKY, 0);
        s.put("UnitResults.full", new UnitResults(List.of(r1, r2, r3)));
        s.put("UnitResults.null", new UnitResults(null));
        s.put("UnitRequest.full", new UnitRequest("text", "launched", Boolean.TRUE));
        s.put("UnitRequest.false", new UnitRequest("", "", Boolean.FALSE));
        s.put("UnitRequest.null", new UnitRequest(null, null, null));
        s.put("UnitSubmission[]", new UnitSubmission[]{new UnitSubmission("a", "t", "loaded", true),
                new UnitSubmission(null, null, null, null), new UnitSubmission("", "", "", false)});
        s.put("UnitSubmission.list", List.of(new UnitSubmission("a", "t", null, null)));

        PlanEntry pe = new PlanEntry("a.service", PlanEntry.Verdict.MOVE.json(), "m2", "10.0.0.2", "m1", "10.0.0.1", "r");
        s.put("PlanReport.full", new PlanReport(List.of(pe), List.of(
                new PlanEntry(null, null, null, null, null, null, null))));
        s.put("PlanReport.null", new PlanReport(null, null));

        RolloutView.Unit ru = new RolloutView.Unit("a.service", "old", "new", "healthy", "ok");
        RolloutView rv = new RolloutView("r-1", "running", "none", "", 2, 5.0, 300.5, true, 1764633600123L,
                1764633600999L, List.of(ru, new RolloutView.Unit(null, null, null, null, null)));
        s.put("RolloutView.full", rv);
        s.put("RolloutView.odd", new RolloutView(null, null, null, null, 0, 0.1, 1e-7, false, 0, 0, null));
        s.put("RolloutView.big", new RolloutView("x", "p", "q", "r", Integer.MAX_VALUE, 1e21, 123456789.125, false,
                -1, Long.MIN_VALUE, List.of()));
        s.put("RolloutPage.full", new RolloutPage(List.of(rv)));
        s.put("RolloutPage.null", new RolloutPage(null));
        s.put("RolloutRequest.full", new RolloutRequest(List.of(new RolloutRequest.RolloutUnitText("a", "t")), 3, 10.0,
                60.25, Boolean.FALSE));
        s.put("RolloutRequest.null", new RolloutRequest(null, null, null, null, null));

        ClusterEvent.EventUnit eu = new ClusterEvent.EventUnit("a.service", "abc", "launched");
        s.put("ClusterEvent.snapshot", new ClusterEvent(12, "snapshot",
                new ClusterEvent.Snapshot(List.of(eu), List.of(m, mNull), List.of(st)), null));
        s.put("ClusterEvent.snapshotNulls", new ClusterEvent(0, null, new ClusterEvent.Snapshot(null, null, null),
                List.of()));
        s.put("ClusterEvent.changes", new ClusterEvent(13, null, null, List.of(
                new ClusterEvent.Change("unit", "put", "a.service", null, eu, null, null),
                new ClusterEvent.Change("machine", "delete", null, "m1", null, m, null),
                new ClusterEvent.Change("state", "put", "a.service", "m1", null, null, st),
                new ClusterEvent.Change("rollout", "put", "r-1", null, null, null, null, rv),
                new ClusterEvent.Change(null, null, null, null, new ClusterEvent.EventUnit(null, null, null),
                        null, new UnitStateEntity(null, null, null, null, null, null)))));

        List<Object> mixed = new ArrayList<>(Arrays.asList(fe, null, "x", 1, 2.5, true));
        s.put("List.mixed", mixed);
        s.put("List.states", List.of(se));
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("healthy", true);
        health.put("machineID", "m1");
        health.put("detail", "");
        s.put("Map.health", health);
        return s;
    }
}
