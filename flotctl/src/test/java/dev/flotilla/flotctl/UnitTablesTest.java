package dev.flotilla.flotctl;

import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitStateEntry;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden output of list-units and list-unit-files on fixed data. */
class UnitTablesTest {
    private static final String A = "53a80de4c4b2c1d0e9f8a7b6c5d4e3f2";
    private static final String B = "9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6";
    private static final String H1 = "0123456789abcdef0123456789abcdef01234567";
    private static final String H2 = "fedcba9876543210fedcba9876543210fedcba98";

    private static final List<UnitStateEntry> STATES = List.of(
            new UnitStateEntry("db.service", B, "127.0.0.12", H2, "loaded", "failed", "failed"),
            new UnitStateEntry("mon.service", A, "127.0.0.11", H1, "loaded", "active", "running"),
            new UnitStateEntry("mon.service", B, "127.0.0.12", H1, "loaded", "activating", "start"),
            new UnitStateEntry("old.service", "c".repeat(32), "", "", "not-found", "inactive", "dead"));

    private static final List<UnitFileEntry> UNITS = List.of(
            new UnitFileEntry("db.service", H2, "launched", "launched", B, "127.0.0.12", false, "Database", ""),
            new UnitFileEntry("mon.service", H1, "launched", "launched", "", "", true, "", ""),
            new UnitFileEntry("new.service", H2, "inactive", "inactive", "", "", false, "", ""),
            new UnitFileEntry("ssd.service", H1, "launched", "inactive", "", "", false, "Needs SSD", "no machine has disk=ssd"),
            new UnitFileEntry("web@.service", H1, "inactive", "inactive", "", "", false, "web %i", ""));

    private static <T> String print(Table<T> table, String fields, List<T> rows, boolean legend) {
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out), table.fields(fields), rows, legend);
        return out.toString();
    }

    @Test
    void listUnitFilesWaitingShowsTheEnginesReason() {
        assertEquals("""
                UNIT\tSTATE\tWAITING
                db.service\tlaunched\t-
                mon.service\t-\t-
                new.service\tinactive\t-
                ssd.service\tinactive\tno machine has disk=ssd
                web@.service\tinactive\t-
                """, print(UnitTables.unitFiles(false), "unit,state,waiting", UNITS, true));
    }

    @Test
    void listUnitsDefault() {
        assertEquals("""
                UNIT\tMACHINE\tACTIVE\tSUB
                db.service\t9d0e1f2a.../127.0.0.12\tfailed\tfailed
                mon.service\t53a80de4.../127.0.0.11\tactive\trunning
                mon.service\t9d0e1f2a.../127.0.0.12\tactivating\tstart
                old.service\tcccccccc...\tinactive\tdead
                """, print(UnitTables.units(false), UnitTables.UNITS_DEFAULT, STATES, true));
    }

    @Test
    void listUnitsAllFieldsFullWithoutLegend() {
        assertEquals("db.service\t" + B + "/127.0.0.12\tfailed\tfailed\tloaded\t" + H2 + "\n"
                        + "mon.service\t" + A + "/127.0.0.11\tactive\trunning\tloaded\t" + H1 + "\n"
                        + "mon.service\t" + B + "/127.0.0.12\tactivating\tstart\tloaded\t" + H1 + "\n"
                        + "old.service\t" + "c".repeat(32) + "\tinactive\tdead\tnot-found\t-\n",
                print(UnitTables.units(true), "unit,machine,active,sub,load,hash", STATES, false));
    }

    @Test
    void listUnitsShortHashes() {
        assertEquals("""
                HASH\tUNIT
                fedcba9\tdb.service
                0123456\tmon.service
                0123456\tmon.service
                -\told.service
                """, print(UnitTables.units(false), "hash,unit", STATES, true));
    }

    @Test
    void listUnitFilesDefault() {
        assertEquals("""
                UNIT\tHASH\tDSTATE\tSTATE\tTARGET
                db.service\tfedcba9\tlaunched\tlaunched\t9d0e1f2a.../127.0.0.12
                mon.service\t0123456\tlaunched\t-\tglobal
                new.service\tfedcba9\tinactive\tinactive\t-
                ssd.service\t0123456\tlaunched\tinactive\t-
                web@.service\t0123456\tinactive\tinactive\t-
                """, print(UnitTables.unitFiles(false), UnitTables.UNIT_FILES_DEFAULT, UNITS, true));
    }

    @Test
    void listUnitFilesGlobalAndDescriptionFull() {
        assertEquals("""
                UNIT\tGLOBAL\tDESC\tTARGET\tHASH
                db.service\tfalse\tDatabase\t%s/127.0.0.12\t%s
                mon.service\ttrue\t-\tglobal\t%s
                new.service\tfalse\t-\t-\t%s
                ssd.service\tfalse\tNeeds SSD\t-\t%s
                web@.service\tfalse\tweb %%i\t-\t%s
                """.formatted(B, H2, H1, H2, H1, H1),
                print(UnitTables.unitFiles(true), "unit,global,desc,target,hash", UNITS, true));
    }

    @Test
    void listUnitFilesShowsRememberedFailuresByDefaultOnlyWhenThereAreAny() {
        assertEquals(UnitTables.UNIT_FILES_DEFAULT, UnitTables.unitFileFields(UnitTables.UNIT_FILES_DEFAULT, UNITS));
        List<UnitFileEntry> failed = List.of(
                new UnitFileEntry("db.service", H2, "launched", "launched", B, "127.0.0.12", false, "Database", "",
                        1, "failed on " + A + " (failed/failed)", "2026-01-01T00:00:00Z"),
                UNITS.get(2));
        String fields = UnitTables.unitFileFields(UnitTables.UNIT_FILES_DEFAULT, failed);
        assertEquals("""
                UNIT\tHASH\tDSTATE\tSTATE\tTARGET\tATTEMPTS\tFAILURE
                db.service\tfedcba9\tlaunched\tlaunched\t9d0e1f2a.../127.0.0.12\t1\tfailed on %s (failed/failed) at 2026-01-01T00:00:00Z
                new.service\tfedcba9\tinactive\tinactive\t-\t-\t-
                """.formatted(A), print(UnitTables.unitFiles(false), fields, failed, true));
        assertEquals("unit,hash", UnitTables.unitFileFields("unit,hash", failed), "chosen columns are kept as chosen");
    }

    @Test
    void restartsAndSinceAsSystemctlShowsThem() {
        List<UnitStateEntry> rows = List.of(
                new UnitStateEntry("web.service", A, "127.0.0.11", H1, "loaded", "active", "running", 7, 3, 1_764_654_730_123_456L),
                new UnitStateEntry("old.service", B, "127.0.0.12", H1, "loaded", "inactive", "dead"));
        Table<UnitStateEntry> t = UnitTables.units(false);
        String printed = print(t, "unit,restarts", rows, true);
        org.junit.jupiter.api.Assertions.assertTrue(
                printed.matches("(?s)UNIT\\s+RESTARTS\\nweb\\.service\\s+3\\nold\\.service\\s+0\\n"), printed);
        assertEquals("Tue 2025-12-02 05:52:10 UTC", UnitTables.since(1_764_654_730_123_456L, java.time.ZoneId.of("UTC")));
        assertEquals("Tue 2025-12-02 06:52:10 CET", UnitTables.since(1_764_654_730_123_456L, java.time.ZoneId.of("Europe/Berlin")));
        assertEquals("-", UnitTables.since(0, java.time.ZoneId.of("UTC")), "not known");
    }
}
