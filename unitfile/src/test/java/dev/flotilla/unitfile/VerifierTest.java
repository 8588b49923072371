package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What flotctl verify prints, and whether it would exit 0. */
class VerifierTest {

    static final String GOOD = "[Unit]\nDescription=ok\n\n[Service]\nExecStart=/bin/true\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a valid unit prints nothing", "web.service", GOOD, true, List.of()),
                Arguments.of("the template is valid to submit", "web@.service",
                        GOOD + "[X-Fleet]\nConflicts=web@*.service\nMachineMetadata=host=%i\n", true, List.of()),
                Arguments.of("an instance file", "web@1.service", GOOD, true, List.of()),
                Arguments.of("no suffix: verified as .service", "web", GOOD, true, List.of()),
                Arguments.of("path prefixes are not part of the name", "units/web.service", GOOD, true, List.of()),
                Arguments.of("an error", "web.service", "[Unit]\nbogus\n", false,
                        List.of("web.service:2: missing '=' in 'bogus'; an assignment looks like Key=Value")),
                Arguments.of("the file name as given is the prefix", "dir/web.service",
                        "[X-Fleet]\nMachineID=0123456789abcdef0123456789abcdef\nGlobal=true\n", false,
                        List.of("dir/web.service:3: MachineID cannot be combined with Global")),
                Arguments.of("warnings alone keep the file valid", "web.service", GOOD + "[X-Fleet]\nFoo=1\n", true,
                        List.of("web.service:7: warning: unknown [X-Fleet] key 'Foo' is ignored")),
                Arguments.of("errors and warnings in line order", "web.service",
                        "[X-Fleet]\nFoo=1\nbad\nX-Conflicts=a*\n", false,
                        List.of("web.service:2: warning: unknown [X-Fleet] key 'Foo' is ignored",
                                "web.service:3: missing '=' in 'bad'; an assignment looks like Key=Value",
                                "web.service:4: warning: X-Conflicts is the old name of Conflicts; it still works")),
                Arguments.of("malformed MachineMetadata pairs are warned about with their line, and ignored",
                        "web.service", GOOD + "[X-Fleet]\nMachineMetadata=foo= region=eu\nMachineMetadata=\"=asdf\" \"k=a=b\"\n", true,
                        List.of("web.service:7: warning: MachineMetadata 'foo=' has no value after '='; it is ignored (not key=value), as fleet ignored it",
                                "web.service:8: warning: MachineMetadata '=asdf' has no key before '='; it is ignored (not key=value), as fleet ignored it",
                                "web.service:8: warning: MachineMetadata 'k=a=b' has more than one '='; it is ignored (not key=value), as fleet ignored it")),
                Arguments.of("an empty file is valid but warned about", "web.service", "", true,
                        List.of("web.service: warning: the unit file has no options")),
                Arguments.of("a bad name is an error, and the syntax is still checked", "we!b.service",
                        "[Unit]\nbogus\n", false,
                        List.of("we!b.service: unit name 'we!b.service' contains '!'; only A-Z a-z 0-9 : _ . @ - \\ are allowed",
                                "we!b.service:2: missing '=' in 'bogus'; an assignment looks like Key=Value")),
                Arguments.of("a name that is not path-safe", "a..b.service", GOOD, false,
                        List.of("a..b.service: unit name 'a..b.service' must not contain '..'")),
                Arguments.of("a bad name with '@'", "web@1.mount", GOOD, false,
                        List.of("web@1.mount: unit name 'web@1.mount' contains '@', so it must end in .path, .service,"
                                + " .socket, .target or .timer")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verify(String description, String fileName, String text, boolean valid, List<String> lines) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Verification v = UnitFileVerifier.check(fileName, bytes);
        assertEquals(valid, v.valid(), v.lines().toString());
        assertEquals(lines, v.lines());
        assertEquals(v.lines(), UnitFileVerifier.verify(fileName, bytes));
    }

    @Test
    void limitsAreReportedNotThrown() {
        Verification big = UnitFileVerifier.check("big.service", new byte[UnitFile.MAX_BYTES + 1]);
        assertFalse(big.valid());
        assertEquals(List.of("big.service: the unit file is larger than 524288 bytes (512 KiB), the limit for a unit file"),
                big.lines());
        Verification latin1 = UnitFileVerifier.check("x.service", "[Unit]\nA=\u00fc\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("x.service:2: the text is not valid UTF-8 (bad byte sequence at byte offset 9)"), latin1.lines());
        assertFalse(UnitFileVerifier.check("x.service", null).valid());
        assertFalse(UnitFileVerifier.check("", GOOD.getBytes(StandardCharsets.UTF_8)).valid());
    }

    @Test
    void readsFiles(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("web@.service"), GOOD + "[X-Fleet]\nConflicts=web@*\n");
        Verification v = UnitFileVerifier.check(good);
        assertTrue(v.valid(), v.lines().toString());
        UnitFile u = UnitFile.read(good);
        assertEquals("web@.service", u.name().value());
        assertEquals(Files.readString(good), u.text());

        Path plain = Files.writeString(dir.resolve("api"), GOOD);
        assertEquals("api.service", UnitFile.read(plain).name().value());

        Verification missing = UnitFileVerifier.check(dir.resolve("nope.service"));
        assertFalse(missing.valid());
        assertTrue(missing.lines().get(0).startsWith(dir.resolve("nope.service") + ": cannot read the file: NoSuchFileException"),
                missing.lines().toString());
    }

    @Test
    void hugeFilesAreNotReadWhole(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.service");
        Files.write(big, new byte[UnitFile.MAX_BYTES * 3]);
        assertEquals(UnitFile.MAX_BYTES + 1, UnitText.read(big).length);
        assertFalse(UnitFileVerifier.check(big).valid());
    }
}
