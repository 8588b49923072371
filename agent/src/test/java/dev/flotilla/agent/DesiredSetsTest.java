package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitFacts;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assignments + global units + local Conflicts = the desired set. */
class DesiredSetsTest {
    static final String M = "m".repeat(32);
    static final Map<String, String> META = Map.of("az", "a", "disk", "ssd");

    static UnitRecord unit(String name, String text) {
        return new UnitRecord(name, text, UnitFile.hashOf(text), DesiredState.LAUNCHED);
    }

    static final String PLAIN = "[Service]\nExecStart=/bin/sleep 1000\n";

    static Assignment assign(UnitRecord f, DesiredState desired) {
        return new Assignment(M, f.name(), f.hash(), desired);
    }

    static Map<String, UnitRecord> texts(UnitRecord... fs) {
        Map<String, UnitRecord> m = new HashMap<>();
        for (UnitRecord f : fs) {
            m.put(f.name(), f);
        }
        return m;
    }

    static DesiredSets.Global global(UnitRecord f, DesiredState d) {
        return new DesiredSets.Global(f, d);
    }

    @Test
    void assignmentsBecomeLaunchedOrLoadedUnits() {
        UnitRecord a = unit("a.service", PLAIN);
        UnitRecord b = unit("b.service", PLAIN + "# b\n");
        DesiredSet d = DesiredSets.build(List.of(assign(a, DesiredState.LAUNCHED), assign(b, DesiredState.LOADED)), texts(a, b),
                List.of(), META, Set.of());
        assertEquals(new DesiredUnit("a.service", PLAIN, a.hash(), Goal.LAUNCHED, false), d.units().get("a.service"));
        assertEquals(Goal.LOADED, d.units().get("b.service").goal());
        assertEquals(Set.of(), d.held());
    }

    @Test
    void anAssignmentWhoseTextIsNotTheAssignedOneIsHeld() {
        UnitRecord a = unit("a.service", PLAIN);
        UnitRecord newer = unit("a.service", PLAIN + "# newer\n");
        DesiredSet d = DesiredSets.build(List.of(assign(a, DesiredState.LAUNCHED)), texts(newer), List.of(), META, Set.of());
        assertEquals(Map.of(), d.units());
        assertEquals(Set.of("a.service"), d.held());
        assertTrue(d.notes().get("a.service").contains("waiting for the engine"));

        DesiredSet none = DesiredSets.build(List.of(assign(a, DesiredState.LAUNCHED)), Map.of(), List.of(), META, Set.of());
        assertEquals(Set.of("a.service"), none.held());
    }

    @Test
    void anUnreadableTextIsHeldWithTheReason() {
        UnitRecord bad = unit("a.service", "no section here\n");
        assertTrue(UnitFacts.of(bad).problem().isPresent());
        DesiredSet d = DesiredSets.build(List.of(assign(bad, DesiredState.LAUNCHED)), texts(bad), List.of(), META, Set.of());
        assertEquals(Set.of("a.service"), d.held());
        assertTrue(d.notes().get("a.service").contains("cannot be read"), d.notes().toString());
    }

    @Test
    void globalUnitsRunWhereTheirMetadataMatches() {
        UnitRecord any = unit("any.service", PLAIN + "[X-Fleet]\nGlobal=true\n");
        UnitRecord ssd = unit("ssd.service", PLAIN + "[X-Fleet]\nGlobal=true\nMachineMetadata=disk=ssd\n");
        UnitRecord hdd = unit("hdd.service", PLAIN + "[X-Fleet]\nGlobal=true\nMachineMetadata=disk=hdd\n");
        UnitRecord notB = unit("notb.service", PLAIN + "[X-Fleet]\nGlobal=true\nMachineMetadata=az!=b\n");
        UnitRecord off = unit("off.service", PLAIN + "[X-Fleet]\nGlobal=true\n");
        UnitRecord loaded = unit("loaded.service", PLAIN + "[X-Fleet]\nGlobal=true\n");
        DesiredSet d = DesiredSets.build(List.of(), Map.of(), List.of(global(any, DesiredState.LAUNCHED), global(ssd, DesiredState.LAUNCHED),
                global(hdd, DesiredState.LAUNCHED), global(notB, DesiredState.LAUNCHED), global(off, DesiredState.INACTIVE),
                global(loaded, DesiredState.LOADED)), META, Set.of());
        assertEquals(Set.of("any.service", "ssd.service", "notb.service", "loaded.service"), d.units().keySet());
        assertEquals(Goal.LOADED, d.units().get("loaded.service").goal());
        assertEquals(Goal.LAUNCHED, d.units().get("ssd.service").goal());
    }

    @Test
    void aGlobalThatConflictsWithAnAssignedUnitIsBlockedUnlessItRunsAlready() {
        UnitRecord a = unit("app.service", PLAIN);
        UnitRecord g = unit("mon.service", PLAIN + "[X-Fleet]\nGlobal=true\nConflicts=app*\n");
        List<Assignment> as = List.of(assign(a, DesiredState.LAUNCHED));
        List<DesiredSets.Global> gs = List.of(global(g, DesiredState.LAUNCHED));

        DesiredSet neitherRuns = DesiredSets.build(as, texts(a), gs, META, Set.of());
        assertEquals(Goal.LAUNCHED, neitherRuns.units().get("app.service").goal(), "assigned units go first");
        assertEquals(Goal.BLOCKED, neitherRuns.units().get("mon.service").goal());
        assertEquals("not started: it conflicts with app.service, which runs here instead", neitherRuns.notes().get("mon.service"));

        DesiredSet globalRuns = DesiredSets.build(as, texts(a), gs, META, Set.of("mon.service"));
        assertEquals(Goal.LAUNCHED, globalRuns.units().get("mon.service").goal(), "the one already running wins");
        assertEquals(Goal.BLOCKED, globalRuns.units().get("app.service").goal());
        assertEquals("not started: it conflicts with mon.service, which already runs here", globalRuns.notes().get("app.service"));
    }

    @Test
    void conflictsAreSymmetricAndFollowNameOrderAmongEquals() {
        UnitRecord g1 = unit("g1.service", PLAIN + "[X-Fleet]\nGlobal=true\n");
        UnitRecord g2 = unit("g2.service", PLAIN + "[X-Fleet]\nGlobal=true\nConflicts=g1.service\n");
        UnitRecord g3 = unit("g3.service", PLAIN + "[X-Fleet]\nGlobal=true\n");
        DesiredSet d = DesiredSets.build(List.of(), Map.of(), List.of(global(g2, DesiredState.LAUNCHED), global(g1, DesiredState.LAUNCHED),
                global(g3, DesiredState.LAUNCHED)), META, Set.of());
        assertEquals(Goal.LAUNCHED, d.units().get("g1.service").goal());
        assertEquals(Goal.BLOCKED, d.units().get("g2.service").goal());
        assertEquals(Goal.LAUNCHED, d.units().get("g3.service").goal());

        // g1 only matched by g2's pattern, yet g2 running keeps g1 from starting.
        DesiredSet g2Runs = DesiredSets.build(List.of(), Map.of(), List.of(global(g2, DesiredState.LAUNCHED), global(g1, DesiredState.LAUNCHED)),
                META, Set.of("g2.service"));
        assertEquals(Goal.BLOCKED, g2Runs.units().get("g1.service").goal());
        assertEquals(Goal.LAUNCHED, g2Runs.units().get("g2.service").goal());
    }

    @Test
    void loadedUnitsDoNotConflictUnlessTheyRun() {
        UnitRecord a = unit("a.service", PLAIN + "[X-Fleet]\nConflicts=b.service\n");
        UnitRecord b = unit("b.service", PLAIN);
        List<Assignment> as = List.of(assign(a, DesiredState.LOADED), assign(b, DesiredState.LAUNCHED));
        assertEquals(Goal.LOADED, DesiredSets.build(as, texts(a, b), List.of(), META, Set.of()).units().get("a.service").goal());
        assertEquals(Goal.LAUNCHED, DesiredSets.build(as, texts(a, b), List.of(), META, Set.of()).units().get("b.service").goal());
        // a runs (pulled in by something): b may not start next to it
        DesiredSet aRuns = DesiredSets.build(as, texts(a, b), List.of(), META, Set.of("a.service"));
        assertEquals(Goal.BLOCKED, aRuns.units().get("b.service").goal());
    }

    @Test
    void aTemplateIsActivatedOnlyAndNeverEnabled() {
        UnitRecord t = unit("web@.service", PLAIN + "[Install]\nWantedBy=multi-user.target\n");
        DesiredSet d = DesiredSets.build(List.of(assign(t, DesiredState.LAUNCHED)), texts(t), List.of(), META, Set.of());
        assertEquals(new DesiredUnit("web@.service", t.text(), t.hash(), Goal.ACTIVATED, false), d.units().get("web@.service"));
    }

    @Test
    void unitsWithInstallAreEnabledUnlessBlocked() {
        UnitRecord side = unit("side.service", PLAIN + "[Install]\nWantedBy=main.service\n");
        UnitRecord main = unit("main.service", PLAIN);
        DesiredSet d = DesiredSets.build(List.of(assign(side, DesiredState.LOADED), assign(main, DesiredState.LAUNCHED)), texts(side, main),
                List.of(), META, Set.of());
        assertTrue(d.units().get("side.service").enable());
        assertFalse(d.units().get("main.service").enable());

        UnitRecord blocker = unit("x.service", PLAIN + "[X-Fleet]\nConflicts=side.service\n");
        DesiredSet blocked = DesiredSets.build(List.of(assign(side, DesiredState.LAUNCHED), assign(blocker, DesiredState.LAUNCHED)),
                texts(side, blocker), List.of(), META, Set.of("x.service"));
        assertEquals(Goal.BLOCKED, blocked.units().get("side.service").goal());
        assertFalse(blocked.units().get("side.service").enable(), "a blocked unit must not be pulled in by its [Install] links");
    }

    @Test
    void aServiceItsLaunchedSocketActivatesIsNotStartedByTheAgent() {
        UnitRecord sock = unit("echo.socket", "[Socket]\nListenStream=127.0.0.70:7\n");
        UnitRecord svc = unit("echo.service", PLAIN);
        DesiredSet d = DesiredSets.build(List.of(assign(sock, DesiredState.LAUNCHED), assign(svc, DesiredState.LAUNCHED)), texts(sock, svc),
                List.of(), META, Set.of());
        assertEquals(Goal.LAUNCHED, d.units().get("echo.socket").goal());
        assertEquals(Goal.ACTIVATED, d.units().get("echo.service").goal());
        assertEquals("started by systemd through echo.socket", d.notes().get("echo.service"));

        // The socket only loaded: the service is the agent's to start.
        DesiredSet loaded = DesiredSets.build(List.of(assign(sock, DesiredState.LOADED), assign(svc, DesiredState.LAUNCHED)),
                texts(sock, svc), List.of(), META, Set.of());
        assertEquals(Goal.LAUNCHED, loaded.units().get("echo.service").goal());
    }
}
