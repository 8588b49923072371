package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** fleet's API form: options -> unit text and back. */
class OptionsTest {

    static UnitOption o(String section, String name, String value) {
        return new UnitOption(section, name, value);
    }

    @Test
    void optionsBecomeTextWithSectionsInFirstAppearanceOrder() {
        UnitFile u = UnitFile.fromOptions("web.service", List.of(
                o("Unit", "Description", "Web"),
                o("Service", "ExecStart", "/bin/web"),
                o("Unit", "After", "network.target"),
                o("X-Fleet", "Conflicts", "web*.service"),
                o("Service", "ExecStop", "/bin/kill web")));
        assertEquals("[Unit]\nDescription=Web\nAfter=network.target\n"
                + "\n[Service]\nExecStart=/bin/web\nExecStop=/bin/kill web\n"
                + "\n[X-Fleet]\nConflicts=web*.service\n", u.text());
        assertEquals(List.of("web*.service"), u.fleet().conflicts());
        assertEquals(List.of("Unit|Description|Web@2", "Unit|After|network.target@3", "Service|ExecStart|/bin/web@6",
                "Service|ExecStop|/bin/kill web@7", "X-Fleet|Conflicts|web*.service@10"), SyntaxTest.render(u.options()));
    }

    @Test
    void noOptionsIsAnEmptyText() {
        assertEquals("", UnitFile.fromOptions("web.service", List.of()).text());
    }

    @Test
    void unitToOptionsIsInFileOrderWithLines() {
        UnitFile u = UnitFile.parse("a.service", "[Unit]\nA=1\n[Service]\nB=2 \\\n 3\n[Unit]\nC=4\n");
        assertEquals(List.of(new UnitOption("Unit", "A", "1", 2), new UnitOption("Service", "B", "2   3", 4),
                new UnitOption("Unit", "C", "4", 7)), u.options());
    }

    static Stream<Arguments> exactValues() {
        return Stream.of(
                Arguments.of("empty value", ""),
                Arguments.of("= in value", "A=1 B=2"),
                Arguments.of("# and ; in value", "a # b ; c"),
                Arguments.of("quotes", "\"a=b\" 'c=d'"),
                Arguments.of("inner blanks", "a \t b"),
                Arguments.of("two trailing backslashes", "x\\\\"),
                Arguments.of("one trailing backslash (written with a space the parser trims)", "x\\"),
                Arguments.of("three trailing backslashes", "x\\\\\\"),
                Arguments.of("only a backslash", "\\"),
                Arguments.of("percent signs", "%i %n %%"),
                Arguments.of("non-ASCII", "Grüße 🚀"),
                Arguments.of("looks like a header", "[Service]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exactValues")
    void valuesSurviveTheRoundTripExactly(String description, String value) {
        UnitFile u = UnitFile.fromOptions("a.service", List.of(o("Service", "Environment", value), o("Service", "B", "x")));
        assertEquals(List.of(o("Service", "Environment", value), o("Service", "B", "x")),
                u.options().stream().map(UnitOption::withoutLine).toList());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(o("Service", "ExecStart", "a\nb"), "a line break or NUL cannot be written"),
                Arguments.of(o("Service", "ExecStart", "a\rb"), "a line break or NUL cannot be written"),
                Arguments.of(o("Service", "ExecStart", "a\0b"), "a line break or NUL cannot be written"),
                Arguments.of(o("Service", "Exec\nStart", "a"), "a line break or NUL cannot be written"),
                Arguments.of(o("Service", "ExecStart", " a"), "the value starts or ends with a space or tab"),
                Arguments.of(o("Service", "ExecStart", "a\t"), "the value starts or ends with a space or tab"),
                Arguments.of(o("Service", " ExecStart", "a"), "the name starts or ends with a space or tab"),
                Arguments.of(o("Service", "", "a"), "the name is empty"),
                Arguments.of(o("Service", "A=B", "a"), "the name contains '='"),
                Arguments.of(o("Service", "#A", "a"), "the name starts with '#'"),
                Arguments.of(o("Service", ";A", "a"), "the name starts with ';'"),
                Arguments.of(o("Service", "[A", "a"), "the name starts with '['"),
                Arguments.of(o("", "A", "a"), "empty section name"),
                Arguments.of(o("Ser\nvice", "A", "a"), "contains a control character, quote or backslash"),
                Arguments.of(o("Ser\"vice", "A", "a"), "contains a control character, quote or backslash"),
                Arguments.of(o(null, "A", "a"), "lacks a section, name or value"),
                Arguments.of(o("Service", null, "a"), "lacks a section, name or value"),
                Arguments.of(o("Service", "A", null), "lacks a section, name or value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void optionsTheSyntaxCannotCarryAreRefused(UnitOption bad, String reason) {
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> UnitFile.fromOptions("a.service", List.of(o("Unit", "A", "1"), bad)));
        assertTrue(e.getMessage().startsWith("option 2 ("), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void everyBadOptionIsReported() {
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("a.service",
                List.of(o("Unit", "A", "a\nb"), o("Unit", "B", "ok"), o("Unit", "C", " x"))));
        assertEquals(2, e.errors().size());
        assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("a.service", Arrays.asList(o("U", "A", "1"), null)));
        assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("a.service", null));
    }

    @Test
    void xFleetRulesApplyToOptionsToo() {
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("a.service",
                List.of(o("X-Fleet", "Global", "true"), o("X-Fleet", "MachineOf", "b.service"))));
        assertEquals("line 3: Global cannot be combined with MachineOf", e.getMessage());
    }

    @Test
    void badNameIsRefused() {
        assertThrows(UnitFileException.class, () -> UnitFile.fromOptions("../a.service", List.of()));
    }
}
