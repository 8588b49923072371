package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The [X-Fleet] section. Its first key is on line 4 of every unit built by {@link #unit}. */
class FleetSectionTest {

    static final String ID = "0123456789abcdef0123456789abcdef";

    static String unit(String... fleetLines) {
        return "[Service]\nExecStart=/bin/true\n[X-Fleet]\n" + String.join("\n", fleetLines) + "\n";
    }

    static UnitFile parse(String name, String... fleetLines) {
        return UnitFile.parse(name, unit(fleetLines));
    }

    static FleetRequirements fleet(String name, String... fleetLines) {
        return parse(name, fleetLines).fleet();
    }

    static UnitFileException refused(String name, String... fleetLines) {
        return assertThrows(UnitFileException.class, () -> parse(name, fleetLines));
    }

    @Test
    void noSectionMeansNoRequirements() {
        FleetRequirements f = UnitFile.parse("a.service", "[Service]\nExecStart=/bin/true\n").fleet();
        assertEquals(FleetRequirements.NONE, f);
        assertTrue(f.isEmpty());
        assertTrue(f.metadata().matches(Map.of()));
    }

    @Test
    void everyKey() {
        FleetRequirements f = fleet("a.service", "MachineOf=b.service c.service", "MachineOf=d.service",
                "MachineMetadata=region=eu", "Conflicts=x*.service y?.service", "Conflicts=z[0-9].service",
                "Global=false");
        assertEquals(Optional.empty(), f.machineId());
        assertEquals(List.of("b.service", "c.service", "d.service"), f.machineOf());
        assertEquals(Map.of("region", List.of("eu")), f.metadata().required());
        assertEquals(List.of("x*.service", "y?.service", "z[0-9].service"), f.conflicts());
        assertFalse(f.global());
        assertEquals(List.of(), f.replaces());
        assertFalse(f.isEmpty());
    }

    @Test
    void machineId() {
        assertEquals(Optional.of(ID), fleet("a.service", "MachineID=" + ID).machineId());
        assertEquals(Optional.of("0123abcd"), fleet("a.service", "MachineID=0123abcd").machineId(), "fleet's short id");
    }

    @ParameterizedTest(name = "MachineID={0}")
    @CsvSource(delimiter = '|', value = {
            "''                 | line 4: MachineID needs a machine id",
            "abc def            | line 4: MachineID takes one machine id",
    })
    void badMachineIds(String value, String message) {
        assertTrue(refused("a.service", "MachineID=" + value).getMessage().startsWith(message));
    }

    @Test
    void machineIdTwiceIsRefused() {
        assertEquals("line 5: MachineID is given more than once (first on line 4)",
                refused("a.service", "MachineID=" + ID, "MachineID=" + ID).getMessage());
    }

    @Test
    void rescheduleOnFailureIsACount() {
        assertEquals(0, fleet("a.service", "MachineOf=b.service").rescheduleOnFailure(), "default: stay, as fleet");
        assertEquals(3, fleet("a.service", "RescheduleOnFailure=3").rescheduleOnFailure());
        assertEquals(2, fleet("a.service", "RescheduleOnFailure=\"2\"").rescheduleOnFailure(), "fleet's quoted form");
        assertEquals(0, fleet("a.service", "RescheduleOnFailure=0", "Global=true").rescheduleOnFailure(), "0 combines with anything");
        assertEquals(FleetRequirements.MAX_RESCHEDULES,
                fleet("a.service", "RescheduleOnFailure=" + FleetRequirements.MAX_RESCHEDULES).rescheduleOnFailure());
        assertFalse(fleet("a.service", "RescheduleOnFailure=1").isEmpty());
    }

    @ParameterizedTest(name = "RescheduleOnFailure={0}")
    @ValueSource(strings = {"", "-1", "two", "1.5", "101", "9999999999", "1 2"})
    void badRescheduleCountsAreRefusedWithTheLine(String value) {
        assertEquals("line 4: RescheduleOnFailure takes a number of attempts from 0 to 100, not '" + value + "'",
                refused("a.service", "RescheduleOnFailure=" + value).getMessage());
    }

    @Test
    void rescheduleOnFailureTwiceIsRefused() {
        assertEquals("line 5: RescheduleOnFailure is given more than once (first on line 4)",
                refused("a.service", "RescheduleOnFailure=1", "RescheduleOnFailure=2").getMessage());
    }

    @Test
    void machineIdThatIsNotHexIsAWarning() {
        UnitFile u = parse("a.service", "MachineID=my-box");
        assertEquals(Optional.of("my-box"), u.fleet().machineId());
        assertEquals(1, u.warnings().size());
        assertTrue(u.warnings().get(0).toString().startsWith("line 4: warning: MachineID 'my-box' does not look like"));
    }

    @Test
    void replaces() {
        FleetRequirements f = fleet("a.service", "Replaces=old-*.service", "Replaces=legacy.service other.service");
        assertEquals(List.of("old-*.service", "legacy.service", "other.service"), f.replaces());
        assertTrue(f.replacesUnit("old-web.service"));
        assertTrue(f.replacesUnit("other.service"));
        assertFalse(f.replacesUnit("web.service"));
    }

    @Test
    void conflictsUseGlobs() {
        FleetRequirements f = fleet("web@1.service", "Conflicts=web@*.service db?.service");
        assertTrue(f.conflictsWith("web@2.service"));
        assertTrue(f.conflictsWith("web@1.service"), "matches itself; the scheduler skips the unit itself");
        assertTrue(f.conflictsWith("db1.service"));
        assertFalse(f.conflictsWith("db12.service"));
        assertFalse(f.conflictsWith("api@1.service"));
    }

    @Test
    void conflictsAreSymmetricBetweenUnitFiles() {
        UnitFile a = parse("a.service", "Conflicts=b.service");
        UnitFile b = UnitFile.parse("b.service", "[Service]\nExecStart=/bin/true\n");
        UnitFile c = UnitFile.parse("c.service", "[Service]\nExecStart=/bin/true\n");
        assertTrue(a.conflictsWith(b));
        assertTrue(b.conflictsWith(a));
        assertFalse(a.conflictsWith(c));
        assertFalse(a.conflictsWith(a));
    }

    @ParameterizedTest(name = "Conflicts={0}")
    @ValueSource(strings = {"web[.service", "web\\ x.service", "a.service [x"})
    void malformedPatternsAreRefused(String value) {
        String m = refused("a.service", "Conflicts=" + value).getMessage();
        assertTrue(m.startsWith("line 4: Conflicts pattern '"), m);
        assertTrue(m.contains("is malformed"), m);
        assertTrue(refused("a.service", "Replaces=" + value).getMessage().startsWith("line 4: Replaces pattern '"));
    }

    @ParameterizedTest(name = "Global={0} -> {1}")
    @CsvSource({
            "true, true", "yes, true", "1, true", "on, true", "t, true",
            "TRUE, true", "Yes, true", "ON, true", "T, true", "tRuE, true",
            "false, false", "no, false", "0, false", "off, false", "f, false", "FALSE, false",
    })
    void globalTruthyWords(String value, boolean expected) {
        UnitFile u = parse("a.service", "Global=" + value);
        assertEquals(expected, u.fleet().global());
        assertEquals(List.of(), u.warnings());
    }

    @ParameterizedTest(name = "Global={0}")
    @ValueSource(strings = {"maybe", "2", "", "y", "enabled"})
    void globalOtherWordsAreFalseWithAWarning(String value) {
        UnitFile u = parse("a.service", "Global=" + value);
        assertFalse(u.fleet().global());
        assertEquals(1, u.warnings().size());
        assertTrue(u.warnings().get(0).message().contains("is read as false"));
    }

    @Test
    void lastGlobalWins() {
        assertFalse(fleet("a.service", "Global=true", "Global=no").global());
        assertTrue(fleet("a.service", "Global=no", "Global=yes").global());
    }

    static Stream<Arguments> metadata() {
        Map<String, String> euSsd = Map.of("region", "eu", "disk", "ssd");
        Map<String, String> usSsd = Map.of("region", "us", "disk", "ssd");
        Map<String, String> euHdd = Map.of("region", "eu", "disk", "hdd");
        Map<String, String> eu = Map.of("region", "eu");
        Map<String, String> none = Map.of();
        return Stream.of(
                Arguments.of("single pair", List.of("MachineMetadata=region=eu"), euSsd, true),
                Arguments.of("single pair, other value", List.of("MachineMetadata=region=eu"), usSsd, false),
                Arguments.of("machine lacking the key does not match =", List.of("MachineMetadata=region=eu"), none, false),
                Arguments.of("same key is OR", List.of("MachineMetadata=region=us", "MachineMetadata=region=eu"), euSsd, true),
                Arguments.of("same key is OR on one line", List.of("MachineMetadata=\"region=us\" \"region=eu\""), usSsd, true),
                Arguments.of("same key OR, no value matches", List.of("MachineMetadata=region=us region=ap"), euSsd, false),
                Arguments.of("different keys are AND (both)", List.of("MachineMetadata=\"region=eu\" \"disk=ssd\""), euSsd, true),
                Arguments.of("different keys are AND (one fails)", List.of("MachineMetadata=\"region=eu\" \"disk=ssd\""), euHdd, false),
                Arguments.of("different keys on different lines", List.of("MachineMetadata=region=eu", "MachineMetadata=disk=ssd"), usSsd, false),
                Arguments.of("AND of ORs", List.of("MachineMetadata=region=eu region=us", "MachineMetadata=disk=ssd"), usSsd, true),
                Arguments.of("AND of ORs, missing key", List.of("MachineMetadata=region=eu region=us", "MachineMetadata=disk=ssd"), eu, false),
                Arguments.of("!= other value matches", List.of("MachineMetadata=disk!=hdd"), euSsd, true),
                Arguments.of("!= same value fails", List.of("MachineMetadata=disk!=hdd"), euHdd, false),
                Arguments.of("!= machine lacking the key matches", List.of("MachineMetadata=disk!=hdd"), eu, true),
                Arguments.of("!= with no metadata at all matches", List.of("MachineMetadata=disk!=hdd"), none, true),
                Arguments.of("several != of one key exclude each", List.of("MachineMetadata=region!=us region!=eu"), euSsd, false),
                Arguments.of("several != of one key, neither", List.of("MachineMetadata=region!=us region!=ap"), euSsd, true),
                Arguments.of("= and != combined", List.of("MachineMetadata=region=eu disk!=hdd"), euSsd, true),
                Arguments.of("= and != combined, != fails", List.of("MachineMetadata=region=eu disk!=hdd"), euHdd, false),
                Arguments.of("quoted value with a space", List.of("MachineMetadata=\"room=lab 1\""), Map.of("room", "lab 1"), true),
                Arguments.of("single quotes", List.of("MachineMetadata='room=lab 1' 'rack=2'"), Map.of("room", "lab 1", "rack", "2"), true),
                Arguments.of("quote inside a word", List.of("MachineMetadata=room=\"lab 1\""), Map.of("room", "lab 1"), true),
                Arguments.of("values are case-sensitive", List.of("MachineMetadata=region=EU"), euSsd, false),
                Arguments.of("a=b=c is dropped (fleet): any machine", List.of("MachineMetadata=k=a=b"), none, true),
                Arguments.of("k= is dropped (fleet): any machine", List.of("MachineMetadata=k="), none, true),
                Arguments.of("a dropped pair leaves the others", List.of("MachineMetadata=k= region=eu"), usSsd, false),
                Arguments.of("no MachineMetadata matches everything", List.of("Global=false"), none, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("metadata")
    void metadataMatching(String description, List<String> lines, Map<String, String> machine, boolean matches) {
        assertEquals(matches, fleet("a.service", lines.toArray(String[]::new)).metadata().matches(machine));
    }

    @Test
    void metadataModelKeepsOrderAndDeduplicates() {
        MetadataRequirement m = fleet("a.service", "MachineMetadata=\"b=1\" \"a=2\" a=3 b=1 c!=x").metadata();
        assertEquals(List.of("b", "a"), List.copyOf(m.required().keySet()));
        assertEquals(List.of("2", "3"), m.required().get("a"));
        assertEquals(List.of("1"), m.required().get("b"));
        assertEquals(Map.of("c", List.of("x")), m.excluded());
        Map<String, String> machine = new HashMap<>(Map.of("a", "3", "b", "1"));
        assertTrue(m.matches(machine));
        machine.put("c", "x");
        assertFalse(m.matches(machine));
    }

    @ParameterizedTest(name = "MachineMetadata={0}")
    @CsvSource(delimiter = '|', value = {
            "region                 | line 4: warning: MachineMetadata 'region' has no '='",
            "=eu                    | line 4: warning: MachineMetadata '=eu' has no key before '='",
            "!=eu                   | line 4: warning: MachineMetadata '!=eu' has no key before '='",
            "region=\"eu            | line 4: warning: MachineMetadata 'region=\"eu': the quote \" at position 8 is not closed",
    })
    void badMetadataIsIgnoredWithAWarning(String value, String message) {
        UnitFile u = parse("a.service", "MachineMetadata=" + value);
        assertTrue(u.fleet().metadata().isEmpty());
        assertEquals(1, u.warnings().size(), u.warnings().toString());
        assertTrue(u.warnings().get(0).toString().startsWith(message), u.warnings().toString());
    }

    static Stream<Arguments> legacy() {
        return Stream.of(
                Arguments.of("X-ConditionMachineID=" + ID, "MachineID", fleet("a.service", "MachineID=" + ID)),
                Arguments.of("X-ConditionMachineOf=b.service", "MachineOf", fleet("a.service", "MachineOf=b.service")),
                Arguments.of("X-ConditionMachineMetadata=region=eu", "MachineMetadata",
                        fleet("a.service", "MachineMetadata=region=eu")),
                Arguments.of("X-Conflicts=b*.service", "Conflicts", fleet("a.service", "Conflicts=b*.service")),
                Arguments.of("X-ConditionMachineBootID=" + ID, "MachineID", fleet("a.service", "MachineID=" + ID)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("legacy")
    void legacyKeysMeanTheSameWithAWarning(String line, String modern, FleetRequirements expected) {
        UnitFile u = parse("a.service", line);
        assertEquals(expected, u.fleet());
        assertEquals(1, u.warnings().size());
        assertEquals("line 4: warning: " + line.substring(0, line.indexOf('=')) + " is the old name of " + modern
                + "; it still works", u.warnings().get(0).toString());
    }

    @Test
    void legacyAndModernKeysAddUp() {
        assertEquals(List.of("a*", "b*"), fleet("x.service", "X-Conflicts=a*", "Conflicts=b*").conflicts());
        assertEquals("line 5: MachineID is given more than once (first on line 4)",
                refused("a.service", "X-ConditionMachineID=" + ID, "MachineID=" + ID).getMessage());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            // unit name         | value              | expanded
            "web@a.service        | %n                 | web@a.service",
            "web@a.service        | %N                 | web@a",
            "web@a.service        | %p                 | web",
            "web@a.service        | %i                 | a",
            "web@a.service        | x%%y               | x%y",
            "web@a.service        | %%i                | %i",
            "web@a.service        | %p-%i.%n           | web-a.web@a.service",
            "web.service          | %n                 | web.service",
            "web.service          | %N                 | web",
            "web.service          | %p                 | web",
            "web.service          | x%iy               | xy",
            "db.x@1.2.socket      | %p+%i+%N           | db.x+1.2+db.x@1.2",
            "web@.service         | %p@%i.service      | web@.service",
    })
    void specifiersAreExpandedInXFleetValues(String name, String value, String expanded) {
        assertEquals(List.of(expanded), fleet(name, "Conflicts=" + value).conflicts());
        assertEquals(List.of(expanded), fleet(name, "Replaces=" + value).replaces());
    }

    @Test
    void specifiersInEveryKey() {
        FleetRequirements f = fleet("web@a.service", "MachineMetadata=host=%i role=%p", "MachineOf=side@%i.service");
        assertEquals(Map.of("host", List.of("a"), "role", List.of("web")), f.metadata().required());
        assertEquals(List.of("side@a.service"), f.machineOf());
        assertEquals(Optional.of("0123abcd"), fleet("box@0123abcd.service", "MachineID=%i").machineId());
    }

    @Test
    void specifiersOutsideXFleetAreLeftAlone() {
        UnitFile u = UnitFile.parse("web@a.service", "[Service]\nExecStart=/bin/echo %i\n");
        assertEquals(List.of("/bin/echo %i"), u.values("Service", "ExecStart"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "%H         | specifier '%H' is not expanded in [X-Fleet]",
            "a%         | a lone '%' at the end of 'a%' is kept as written",
    })
    void unknownSpecifiersAreKeptWithAWarning(String value, String warning) {
        UnitFile u = parse("a.service", "Conflicts=" + value);
        assertEquals(List.of(value), u.fleet().conflicts());
        assertTrue(u.warnings().get(0).message().startsWith(warning), u.warnings().toString());
    }

    static Stream<Arguments> refusedCombinations() {
        return Stream.of(
                Arguments.of(new String[] {"MachineID=" + ID, "MachineOf=b.service"}, "line 5: MachineID cannot be combined with MachineOf"),
                Arguments.of(new String[] {"MachineOf=b.service", "MachineID=" + ID}, "line 5: MachineID cannot be combined with MachineOf"),
                Arguments.of(new String[] {"MachineID=" + ID, "Conflicts=b*"}, "line 5: MachineID cannot be combined with Conflicts"),
                Arguments.of(new String[] {"MachineID=" + ID, "Global=true"}, "line 5: MachineID cannot be combined with Global"),
                Arguments.of(new String[] {"Global=yes", "X-ConditionMachineID=" + ID}, "line 5: MachineID cannot be combined with Global"),
                Arguments.of(new String[] {"MachineID=" + ID, "Replaces=b.service"}, "line 5: MachineID cannot be combined with Replaces"),
                Arguments.of(new String[] {"Global=true", "MachineOf=b.service"}, "line 5: Global cannot be combined with MachineOf"),
                Arguments.of(new String[] {"Global=1", "Replaces=b.service"}, "line 5: Global cannot be combined with Replaces"),
                Arguments.of(new String[] {"Conflicts=b*", "Replaces=c.service"}, "line 5: Conflicts cannot be combined with Replaces"),
                Arguments.of(new String[] {"X-Conflicts=b*", "Replaces=c.service"}, "line 5: Conflicts cannot be combined with Replaces"),
                Arguments.of(new String[] {"MachineOf=db.service", "Conflicts=d*.service"},
                        "line 5: MachineOf peer 'db.service' is matched by this unit's own Conflicts pattern 'd*.service'"),
                Arguments.of(new String[] {"MachineOf=web@%i.service", "X-Conflicts=web@*"},
                        "line 5: MachineOf peer 'web@1.service' is matched by this unit's own Conflicts pattern 'web@*'"),
                Arguments.of(new String[] {"Replaces=db.service", "MachineOf=x.service db.service"},
                        "line 5: MachineOf peer 'db.service' is matched by this unit's own Replaces pattern 'db.service'"),
                Arguments.of(new String[] {"MachineOf=%n"}, "line 4: MachineOf cannot name the unit itself"),
                Arguments.of(new String[] {"MachineID=" + ID, "RescheduleOnFailure=2"},
                        "line 5: MachineID cannot be combined with RescheduleOnFailure"),
                Arguments.of(new String[] {"RescheduleOnFailure=1", "Global=true"},
                        "line 5: Global cannot be combined with RescheduleOnFailure"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusedCombinations")
    void refusedCombinationsNameTheLine(String[] lines, String message) {
        UnitFileException e = refused("x@1.service", lines);
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(1, e.errors().size(), e.errors().toString());
    }

    @Test
    void allowedCombinations() {
        // fleet's functional tests: conflicting global units; Global with metadata; MachineOf with Conflicts elsewhere.
        assertTrue(fleet("a.service", "Global=true", "Conflicts=b*.service", "MachineMetadata=r=1").global());
        assertEquals(List.of("b.service"), fleet("a.service", "MachineOf=b.service", "Conflicts=c*.service").machineOf());
        assertEquals(Optional.of(ID), fleet("a.service", "MachineID=" + ID, "MachineMetadata=r=1", "Global=false").machineId());
        assertEquals(List.of("b*"), fleet("a.service", "Replaces=b*", "MachineOf=c.service").replaces());
    }

    @Test
    void everyErrorIsReported() {
        UnitFileException e = refused("a.service", "MachineID=" + ID, "Global=true", "Conflicts=x", "Replaces=y",
                "MachineMetadata=bad");
        List<String> got = e.errors().stream().map(Problem::toString).toList();
        assertEquals(List.of(
                "line 5: MachineID cannot be combined with Global",
                "line 6: MachineID cannot be combined with Conflicts",
                "line 7: MachineID cannot be combined with Replaces",
                "line 7: Global cannot be combined with Replaces",
                "line 7: Conflicts cannot be combined with Replaces"), got, "a malformed MachineMetadata pair is only a warning");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Foo=1             | line 4: warning: unknown [X-Fleet] key 'Foo' is ignored",
            "machineid=1       | line 4: warning: unknown [X-Fleet] key 'machineid' is ignored (did you mean 'MachineID'?)",
            "x-conflicts=a     | line 4: warning: unknown [X-Fleet] key 'x-conflicts' is ignored (did you mean 'Conflicts'?)",
            "Conflicts=        | line 4: warning: Conflicts without a pattern has no effect",
            "Replaces=         | line 4: warning: Replaces without a pattern has no effect",
            "MachineOf=        | line 4: warning: MachineOf without a unit name has no effect",
            "MachineMetadata=  | line 4: warning: MachineMetadata without key=value has no effect",
            "MachineOf=db      | line 4: warning: MachineOf names 'db', which is not a valid unit name",
    })
    void warningsDoNotRefuseTheUnit(String line, String warning) {
        UnitFile u = parse("a.service", line);
        assertEquals(1, u.warnings().size(), u.warnings().toString());
        assertTrue(u.warnings().get(0).toString().startsWith(warning), u.warnings().toString());
    }

    @Test
    void xFleetKeysInOtherSectionsAreIgnored() {
        UnitFile u = UnitFile.parse("a.service", "[Service]\nMachineID=" + ID + "\nGlobal=true\n");
        assertEquals(FleetRequirements.NONE, u.fleet());
    }

    @Test
    void repeatedXFleetSectionsAddUp() {
        UnitFile u = UnitFile.parse("a.service", "[X-Fleet]\nConflicts=a*\n[Service]\nA=1\n[X-Fleet]\nConflicts=b*\n");
        assertEquals(List.of("a*", "b*"), u.fleet().conflicts());
    }

    @Test
    void templatesAreCheckedWithAnEmptyInstanceAndInstantiatedLater() {
        UnitFile template = parse("web@.service", "MachineMetadata=host=%i", "MachineID=%i");
        assertTrue(template.name().isTemplate());
        assertEquals(Map.of("host", List.of("")), template.fleet().metadata().required());

        UnitFile instance = template.instantiate(UnitName.parse("web@a1b2c3d4.service"));
        assertEquals("web@a1b2c3d4.service", instance.name().value());
        assertEquals(template.text(), instance.text());
        assertEquals(template.hash(), instance.hash());
        assertEquals(Map.of("host", List.of("a1b2c3d4")), instance.fleet().metadata().required());
        assertTrue(instance.fleet().metadata().matches(Map.of("host", "a1b2c3d4")));
        assertFalse(instance.fleet().metadata().matches(Map.of("host", "other")));
        assertEquals(Optional.of("a1b2c3d4"), instance.fleet().machineId());
    }

    @Test
    void instantiateNeedsATemplateAndOneOfItsInstances() {
        UnitFile template = parse("web@.service", "Conflicts=web@*.service");
        assertThrows(UnitFileException.class, () -> template.instantiate(UnitName.parse("db@1.service")));
        assertThrows(UnitFileException.class, () -> template.instantiate(UnitName.parse("web@1.socket")));
        assertThrows(UnitFileException.class, () -> template.instantiate(UnitName.parse("web.service")));
        UnitFile plain = parse("web.service", "Conflicts=x");
        assertThrows(UnitFileException.class, () -> plain.instantiate(UnitName.parse("web@1.service")));
    }

    @Test
    void anInstanceCanBeRefusedWhereItsTemplateIsNot() {
        UnitFile template = parse("web@.service", "MachineOf=db.service", "Conflicts=%i.service");
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> template.instantiate(UnitName.parse("web@db.service")));
        assertEquals("line 5: MachineOf peer 'db.service' is matched by this unit's own Conflicts pattern 'db.service',"
                + " so the two could never share a machine", e.getMessage());
        assertEquals(List.of("x.service"), template.instantiate(UnitName.parse("web@x.service")).fleet().conflicts());
    }

    @Test
    void fleetRequirementsCanBeBuiltFromPatternText() {
        FleetRequirements f = FleetRequirements.of(Optional.empty(), List.of(), MetadataRequirement.NONE,
                List.of("a*"), false, List.of("b?"));
        assertTrue(f.conflictsWith("abc"));
        assertTrue(f.replacesUnit("bx"));
        assertEquals(fleet("x.service", "Conflicts=a*"), FleetRequirements.of(Optional.empty(), List.of(),
                MetadataRequirement.NONE, List.of("a*"), false, List.of()));
        assertThrows(UnitFileException.class, () -> FleetRequirements.of(Optional.empty(), List.of(),
                MetadataRequirement.NONE, List.of("[a"), false, List.of()));
        assertEquals(Arrays.asList("a*"), f.conflicts());
    }
}
