package dev.flotilla.unitfile;

import static dev.flotilla.unitfile.FleetSectionTest.ID;
import static dev.flotilla.unitfile.FleetSectionTest.parse;
import static dev.flotilla.unitfile.FleetSectionTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * fleet's reading of [X-Fleet] values (v1.0.0's unit and job packages), case by case: quoting,
 * the legacy machine key, malformed MachineMetadata pairs. Each row gives fleet's reading.
 */
class FleetReadingTest {

    /** fleet's own table for its splitter, plus words with spaces; null = not quoted, one word as written. */
    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of("\"bar\" \"ping\" \"pong\"", List.of("bar", "ping", "pong")),
                Arguments.of("\"bar\"", List.of("bar")),
                Arguments.of("", null),
                Arguments.of("\"\"", List.of("")),
                Arguments.of("\"bar", null),
                Arguments.of("bar\"", null),
                Arguments.of("foo\\\"bar", null),
                Arguments.of("\"bar\" \"", List.of("bar", "")),
                // A backslash is not an escape: the quote after it still closes, and the backslash stays.
                Arguments.of("\"foo\\\"bar\"", List.of("foo\\bar")),
                Arguments.of("\"lab 1\" \"rack=2\"", List.of("lab 1", "rack=2")),
                Arguments.of("\"a\" b \"c\"", List.of("a", "b", "c")),
                Arguments.of("\"a\"  \"b\"", List.of("a", "", "b")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("splits")
    void fleetsSplitter(String value, List<String> words) {
        assertEquals(words, FleetQuoting.split(value));
    }

    private static Object of(String line, Function<FleetRequirements, Object> part) {
        UnitFile u = parse("a.service", line);
        return part.apply(u.fleet());
    }

    static Stream<Arguments> quotedValues() {
        Function<FleetRequirements, Object> machineOf = FleetRequirements::machineOf;
        Function<FleetRequirements, Object> machineId = FleetRequirements::machineId;
        Function<FleetRequirements, Object> global = FleetRequirements::global;
        Function<FleetRequirements, Object> conflicts = FleetRequirements::conflicts;
        Function<FleetRequirements, Object> replaces = FleetRequirements::replaces;
        Function<FleetRequirements, Object> required = f -> f.metadata().required();
        return Stream.of(
                Arguments.of("MachineOf=\"foo.service\" \"bar.service\"", machineOf, List.of("foo.service", "bar.service")),
                Arguments.of("MachineOf=\"foo.service\"", machineOf, List.of("foo.service")),
                Arguments.of("MachineOf=\"foo\\\"bar.service\"", machineOf, List.of("foo\\bar.service")),
                Arguments.of("MachineOf=\"\"", machineOf, List.of()),
                Arguments.of("MachineID=\"" + ID + "\"", machineId, Optional.of(ID)),
                Arguments.of("X-ConditionMachineBootID=" + ID, machineId, Optional.of(ID)),
                Arguments.of("X-ConditionMachineBootID=\"" + ID + "\"", machineId, Optional.of(ID)),
                Arguments.of("Global=\"true\"", global, true),
                Arguments.of("Global=\"yes\"", global, true),
                Arguments.of("Global=\"false\"", global, false),
                Arguments.of("Global=\"true\" \"false\"", global, false),
                Arguments.of("Global=\"\"", global, false),
                Arguments.of("Conflicts=\"web*.service\" \"db?.service\"", conflicts, List.of("web*.service", "db?.service")),
                Arguments.of("Conflicts=\"a* b*\"", conflicts, List.of("a*", "b*")),
                Arguments.of("Conflicts=\"\"", conflicts, List.of()),
                Arguments.of("Replaces=\"old*.service\"", replaces, List.of("old*.service")),
                Arguments.of("Replaces=\"a.service\" \"b.service\"", replaces, List.of("a.service", "b.service")),
                Arguments.of("MachineMetadata=\"region=eu\" \"disk=ssd\"", required,
                        Map.of("region", List.of("eu"), "disk", List.of("ssd"))),
                Arguments.of("MachineMetadata=\"room=lab 1\"", required, Map.of("room", List.of("lab 1"))),
                Arguments.of("MachineMetadata=\"k=a\\\"b\"", required, Map.of("k", List.of("a\\b"))),
                Arguments.of("MachineMetadata=\"\"", required, Map.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("quotedValues")
    void everyKeyLosesFleetsQuotes(String line, Function<FleetRequirements, Object> part, Object expected) {
        Object got = of(line, part);
        assertEquals(expected, got instanceof List<?> l ? List.copyOf(l) : got);
    }

    @Test
    void aQuotedGlobalUnitIsGlobal() {
        assertTrue(parse("a.service", "Global=\"true\"", "MachineMetadata=\"role=web\"").fleet().global());
    }

    @Test
    void emptyAndSeveralMachineIdsStayRefused() {
        assertTrue(refused("a.service", "MachineID=\"\"").getMessage().contains("MachineID needs a machine id"));
        // fleet took the first word silently; one id is what the key means.
        assertTrue(refused("a.service", "MachineID=\"" + ID + "\" \"" + ID + "\"").getMessage()
                .contains("MachineID takes one machine id"));
    }

    /** Malformed pairs: fleet dropped each one; the unit is placed by the others. */
    static Stream<Arguments> malformedPairs() {
        return Stream.of(
                Arguments.of("foo=", Map.of(), List.of("'foo=' has no value after '='")),
                Arguments.of("=asdf", Map.of(), List.of("'=asdf' has no key before '='")),
                Arguments.of("foo=a=b", Map.of(), List.of("'foo=a=b' has more than one '='")),
                Arguments.of("foo", Map.of(), List.of("'foo' has no '='")),
                Arguments.of("foo==bar", Map.of(), List.of("'foo==bar' has more than one '='")),
                Arguments.of("\"foo=\" \"region=eu\"", Map.of("region", List.of("eu")), List.of("'foo=' has no value after '='")),
                Arguments.of("foo= =asdf region=eu", Map.of("region", List.of("eu")),
                        List.of("'foo=' has no value after '='", "'=asdf' has no key before '='")),
                Arguments.of("foo=\"\"", Map.of(), List.of("'foo=' has no value after '='")));
    }

    @ParameterizedTest(name = "MachineMetadata={0}")
    @MethodSource("malformedPairs")
    void malformedPairsAreDroppedWithAWarningOnTheirLine(String value, Map<String, List<String>> required, List<String> why) {
        UnitFile u = parse("a.service", "MachineMetadata=" + value);
        assertEquals(required, u.fleet().metadata().required());
        List<String> warnings = u.warnings().stream().map(Problem::toString).toList();
        assertEquals(why.stream().map(w -> "line 4: warning: MachineMetadata " + w
                + "; it is ignored (not key=value), as fleet ignored it").toList(), warnings);
        assertEquals(required.isEmpty(), u.fleet().metadata().matches(Map.of()), "with nothing left, any machine matches");
    }

    @Test
    void legacyBootIdKeyIsWarnedAboutLikeTheOthers() {
        UnitFile u = parse("a.service", "X-ConditionMachineBootID=" + ID);
        assertEquals(List.of("line 4: warning: X-ConditionMachineBootID is the old name of MachineID; it still works"),
                u.warnings().stream().map(Problem::toString).toList());
    }
}
