package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The unit file syntax as systemd reads it. Options are rendered as Section|Key|Value@line. */
class SyntaxTest {

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("whitespace around = is trimmed",
                        "[Unit]\nDescription  =   hello world  \n", List.of("Unit|Description|hello world@2")),
                Arguments.of("tabs are trimmed too",
                        "[Unit]\n\tA\t=\tb c\t\n", List.of("Unit|A|b c@2")),
                Arguments.of("# comment line",
                        "[Unit]\n# Description=no\nA=1\n", List.of("Unit|A|1@3")),
                Arguments.of("; comment line",
                        "[Unit]\n; Description=no\nA=1\n", List.of("Unit|A|1@3")),
                Arguments.of("indented comment line",
                        "[Unit]\n   \t# Description=no\nA=1\n", List.of("Unit|A|1@3")),
                Arguments.of("# in the middle of a line is part of the value",
                        "[Service]\nExecStart=/bin/echo a # b\n", List.of("Service|ExecStart|/bin/echo a # b@2")),
                Arguments.of("; in the middle of a line is part of the value",
                        "[Service]\nExecStart=/bin/sh -c 'a; b'\n", List.of("Service|ExecStart|/bin/sh -c 'a; b'@2")),
                Arguments.of("continuation: the backslash becomes a space, the next line is appended as is",
                        "[Service]\nExecStart=/bin/echo a \\\n  b\n", List.of("Service|ExecStart|/bin/echo a    b@2")),
                Arguments.of("continuation without spaces",
                        "[Service]\nExecStart=a\\\nb\n", List.of("Service|ExecStart|a b@2")),
                Arguments.of("continuation over three lines",
                        "[Service]\nA=1\\\n2\\\n3\nB=4\n", List.of("Service|A|1 2 3@2", "Service|B|4@5")),
                Arguments.of("# comment inside a continuation is skipped",
                        "[Service]\nExecStart=/bin/echo a \\\n# c\n b\n", List.of("Service|ExecStart|/bin/echo a   b@2")),
                Arguments.of("; comment inside a continuation is skipped",
                        "[Service]\nExecStart=a\\\n  ; c\nb\n", List.of("Service|ExecStart|a b@2")),
                Arguments.of("an empty line ends a continuation",
                        "[Service]\nA=x \\\n\nB=y\n", List.of("Service|A|x@2", "Service|B|y@4")),
                Arguments.of("a continuation open at the end of the file is kept",
                        "[Service]\nA=x\\", List.of("Service|A|x@2")),
                Arguments.of("two backslashes are not a continuation",
                        "[Service]\nA=x\\\\\nB=y\n", List.of("Service|A|x\\\\@2", "Service|B|y@3")),
                Arguments.of("three backslashes are",
                        "[Service]\nA=x\\\\\\\ny\n", List.of("Service|A|x\\\\ y@2")),
                Arguments.of("a continuation can swallow a line that looks like a header",
                        "[Unit]\nDescription=a\\\n[Service]\n", List.of("Unit|Description|a [Service]@2")),
                Arguments.of("repeated keys keep their order",
                        "[Service]\nA=1\nB=2\nA=3\n", List.of("Service|A|1@2", "Service|B|2@3", "Service|A|3@4")),
                Arguments.of("a section may appear twice",
                        "[Unit]\nA=1\n[Service]\nB=2\n[Unit]\nC=3\n",
                        List.of("Unit|A|1@2", "Service|B|2@4", "Unit|C|3@6")),
                Arguments.of("empty lines and blank lines",
                        "\n\n[Unit]\n\n  \t\nA=1\n\n", List.of("Unit|A|1@6")),
                Arguments.of("CRLF line breaks",
                        "[Unit]\r\nA=1\r\nB=2\r\n", List.of("Unit|A|1@2", "Unit|B|2@3")),
                Arguments.of("CRLF with a continuation",
                        "[Unit]\r\nA=x \\\r\n y\r\n", List.of("Unit|A|x   y@2")),
                Arguments.of("CRLF with an empty line",
                        "[Unit]\r\n\r\nA=1\r\n", List.of("Unit|A|1@3")),
                Arguments.of("lone CR line breaks (systemd accepts them)",
                        "[Unit]\rA=1\rB=2", List.of("Unit|A|1@2", "Unit|B|2@3")),
                Arguments.of("a UTF-8 byte order mark is skipped",
                        "\uFEFF[Unit]\nA=1\n", List.of("Unit|A|1@2")),
                Arguments.of("= inside the value",
                        "[Service]\nEnvironment=A=1 B=2\n", List.of("Service|Environment|A=1 B=2@2")),
                Arguments.of("empty value",
                        "[Service]\nEnvironment=\n", List.of("Service|Environment|@2")),
                Arguments.of("key with a space inside",
                        "[X]\nFoo Bar = x\n", List.of("X|Foo Bar|x@2")),
                Arguments.of("':' is part of the key, not a separator",
                        "[X]\nFoo:bar=baz\n", List.of("X|Foo:bar|baz@2")),
                Arguments.of("quotes are kept verbatim",
                        "[X-Fleet]\nMachineMetadata=\"a=b\" \"c=d\"\n", List.of("X-Fleet|MachineMetadata|\"a=b\" \"c=d\"@2")),
                Arguments.of("${...} is not interpolated",
                        "[Service]\nExecStart=/bin/echo ${HOME} $USER %i\n",
                        List.of("Service|ExecStart|/bin/echo ${HOME} $USER %i@2")),
                Arguments.of("header with blanks around it",
                        "  [Unit]\t\nA=1\n", List.of("Unit|A|1@2")),
                Arguments.of("blanks inside the brackets belong to the name",
                        "[ Unit ]\nA=1\n", List.of(" Unit |A|1@2")),
                Arguments.of("no line break at the end",
                        "[Unit]\nA=1", List.of("Unit|A|1@2")),
                Arguments.of("non-ASCII text",
                        "[Unit]\nDescription=Grüße 日本 🚀\n", List.of("Unit|Description|Grüße 日本 🚀@2")),
                Arguments.of("empty file", "", List.of()),
                Arguments.of("only comments", "# a\n; b\n", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void parsesLikeSystemd(String description, String text, List<String> expected) {
        assertEquals(expected, render(UnitFile.parse("a.service", text).options()));
        // The same bytes give the same options, and the text is kept exactly.
        UnitFile fromBytes = UnitFile.parse("a.service", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, render(fromBytes.options()));
        assertEquals(text, fromBytes.text());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("assignment before any section", "A=1\n[Unit]\nB=2\n",
                        List.of("line 1: assignment 'A=1' is outside of any section")),
                Arguments.of("line without =", "[Unit]\nbogus\n", List.of("line 2: missing '=' in 'bogus'")),
                Arguments.of("no key before =", "[Unit]\n  = x\n", List.of("line 2: missing key name before '='")),
                Arguments.of("unterminated header", "[Unit\nA=1\n", List.of("line 1: invalid section header '[Unit'")),
                Arguments.of("comment after a header", "[Unit] # x\n", List.of("line 1: invalid section header")),
                Arguments.of("lone [", "[\n", List.of("line 1: invalid section header '['")),
                Arguments.of("empty section name", "[]\n", List.of("line 1: empty section name")),
                Arguments.of("quote in a section name", "[Un\"it]\n", List.of("line 1: section name 'Un\"it' contains")),
                Arguments.of("backslash in a section name", "[Un\\it]\n", List.of("line 1: section name")),
                Arguments.of("control character in a section name", "[Un\u0007it]\n", List.of("line 1: section name 'Un\\x07it'")),
                Arguments.of("every error is reported, in line order", "[Unit]\nA=1\nfoo\n[Service]\nbar\n",
                        List.of("line 3: missing '='", "line 5: missing '='")),
                Arguments.of("the error line of a continuation is its first line", "[Unit]\nfoo\\\nbar\n",
                        List.of("line 2: missing '=' in 'foo bar'")),
                Arguments.of("CRLF line numbers", "[Unit]\r\nA=1\r\nbad\r\n", List.of("line 3: missing '='")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedLinesAreErrorsNamingTheLine(String description, String text, List<String> expected) {
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", text));
        List<Problem> errors = e.errors();
        assertEquals(expected.size(), errors.size(), errors.toString());
        for (int i = 0; i < expected.size(); i++) {
            String got = errors.get(i).toString();
            assertTrue(got.startsWith(expected.get(i)), "expected '" + expected.get(i) + "...' but got '" + got + "'");
        }
    }

    @Test
    void valuesCollectsAcrossRepeatedSectionsInFileOrder() {
        UnitFile u = UnitFile.parse("a.service",
                "[Service]\nExecStartPre=one\n[Unit]\nA=1\n[Service]\nExecStartPre=two\nExecStartPre=three\n");
        assertEquals(List.of("one", "two", "three"), u.values("Service", "ExecStartPre"));
        assertEquals(List.of("1"), u.values("Unit", "A"));
        assertEquals(List.of(), u.values("Unit", "ExecStartPre"));
        assertEquals(List.of(), u.values("unit", "A"), "sections are case-sensitive");
    }

    @Test
    void installSectionNeedsAnOption() {
        assertTrue(UnitFile.parse("a.service", "[Install]\nWantedBy=multi-user.target\n").hasInstallSection());
        assertFalse(UnitFile.parse("a.service", "[Install]\n[Service]\nA=1\n").hasInstallSection());
        assertFalse(UnitFile.parse("a.service", "[Service]\nInstall=1\n").hasInstallSection());
    }

    @Test
    void textIsKeptExactlyIncludingCommentsAndLineBreaks() {
        String text = "# header comment\r\n[Unit]\r\nA = 1 \\\r\n  2\r\n\r\n";
        assertEquals(text, UnitFile.parse("a.service", text).text());
    }

    @Test
    void warningsAreEmptyForAPlainUnit() {
        assertEquals(List.of(), UnitFile.parse("a.service", "[Service]\nExecStart=/bin/true\n").warnings());
    }

    static List<String> render(List<UnitOption> options) {
        return options.stream().map(o -> o.section() + "|" + o.name() + "|" + o.value() + "@" + o.line()).toList();
    }
}
