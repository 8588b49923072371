package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Properties over generated input, run by jqwik on the JUnit platform next to the Jupiter tests. */
class UnitFilePropertiesTest {

    // ---- resource demands ----

    /** Any MemoryMax= size systemd accepts is what the unit reserves, never negative; 0 is refused as systemd does. */
    @Property(tries = 500)
    void aMemoryMaxSizeIsWhatTheUnitReserves(@ForAll("memoryCounts") long count, @ForAll("memoryShifts") int shift) {
        String suffix = switch (shift) {
            case 0 -> "";
            case 10 -> "K";
            case 20 -> "M";
            case 30 -> "G";
            default -> "T";
        };
        String text = "[Service]\nExecStart=/bin/true\nMemoryMax=" + count + suffix + "\n";
        if (count == 0) {
            UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.parse("m.service", text));
            assertEquals(3, e.errors().get(0).line());
            return;
        }
        Demand d = UnitFile.parse("m.service", text).demand();
        assertEquals(new Demand(0, count << shift, 0), d);
    }

    @Provide
    Arbitrary<Long> memoryCounts() {
        return Arbitraries.longs().between(0, 1L << 20);
    }

    @Provide
    Arbitrary<Integer> memoryShifts() {
        return Arbitraries.of(0, 10, 20, 30, 40);
    }

    // ---- arbitrary input never escapes as anything but UnitFileException ----

    @Property(tries = 1000)
    void arbitraryBytesOnlyEverFailWithUnitFileException(@ForAll("bytes") byte[] bytes) {
        try {
            UnitFile.parse("fuzz@1.service", bytes);
        } catch (UnitFileException expected) {
            assertFalse(expected.errors().isEmpty());
        }
        // The verifier never throws at all.
        UnitFileVerifier.check("fuzz@1.service", bytes);
    }

    @Property(tries = 1000)
    void arbitraryStringsOnlyEverFailWithUnitFileException(@ForAll("strings") String text) {
        try {
            UnitFile.parse("fuzz.service", text);
        } catch (UnitFileException expected) {
            assertFalse(expected.errors().isEmpty());
        }
        UnitFileVerifier.check("fuzz.service", text.getBytes(StandardCharsets.UTF_16));
    }

    @Property(tries = 300)
    void arbitraryNamesOnlyEverFailWithUnitFileException(@ForAll("names") String name) {
        try {
            UnitName n = UnitName.parse(name);
            // A valid name is always a safe file name.
            assertFalse(n.value().contains("/") || n.value().contains("..") || n.value().startsWith("."));
        } catch (UnitFileException expected) {
            assertFalse(expected.errors().isEmpty());
        }
    }

    /** Names around the limit: what is accepted fits a file name and systemd, and a template's instances can be made. */
    @Property(tries = 500)
    void acceptedNamesFitAFileNameAndSystemd(@ForAll("longNames") String name) {
        if (!UnitName.isValid(name)) {
            assertThrows(UnitFileException.class, () -> UnitName.parse(name));
            return;
        }
        UnitName n = UnitName.parse(name);
        assertTrue(n.value().getBytes(StandardCharsets.UTF_8).length <= 255, "NAME_MAX and UNIT_NAME_MAX - 1");
        if (n.isTemplate()) {
            assertTrue(n.instantiate("1").value().length() <= 255);
        }
        if (n.isInstance()) {
            assertTrue(n.template().value().length() < n.value().length());
        }
    }

    @Property(tries = 300)
    void arbitraryOptionsOnlyEverFailWithUnitFileException(@ForAll("optionLists") List<UnitOption> options) {
        try {
            UnitFile u = UnitFile.fromOptions("fuzz.service", options);
            // Whatever is accepted reads back as what was given, each section's options gathered
            // under its first appearance (as fleet wrote option lists out), in their given order.
            assertEquals(groupedBySection(options), u.options().stream().map(UnitOption::withoutLine).toList());
        } catch (UnitFileException expected) {
            assertFalse(expected.errors().isEmpty());
        }
    }

    private static List<UnitOption> groupedBySection(List<UnitOption> options) {
        java.util.Map<String, List<UnitOption>> sections = new java.util.LinkedHashMap<>();
        for (UnitOption o : options) {
            sections.computeIfAbsent(o.section(), k -> new java.util.ArrayList<>()).add(o);
        }
        return sections.values().stream().flatMap(List::stream).toList();
    }

    // ---- parse -> options -> text -> parse gives the same model ----

    @Property(tries = 1000)
    void roundTripThroughFleetOptionsKeepsTheModel(@ForAll("unitLikeText") String text) {
        UnitFile first = null;
        try {
            first = UnitFile.parse("web@a1.service", text);
        } catch (UnitFileException refused) {
            // counted below
        }
        Statistics.collect(first == null ? "refused" : "parsed");
        // The property must not pass vacuously: enough generated units have to be valid.
        Statistics.coverage(c -> c.check("parsed").percentage(p -> p >= 30));
        if (first == null) {
            return;
        }
        UnitFile second = UnitFile.fromOptions("web@a1.service", first.options());
        assertEquals(model(first), model(second));
        assertEquals(first.fleet(), second.fleet());
        assertEquals(first.hasInstallSection(), second.hasInstallSection());
        // And writing the second one again is a fixed point.
        UnitFile third = UnitFile.fromOptions("web@a1.service", second.options());
        assertEquals(second.text(), third.text());
    }

    // ---- parsing is deterministic ----

    @Property(tries = 500)
    void parsingIsDeterministic(@ForAll("unitLikeText") String text) {
        assertEquals(outcome(text), outcome(text));
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(outcome(text), outcomeOfBytes(bytes), "String and UTF-8 bytes agree");
    }

    /** Options grouped by section (their order within a section is what systemd sees). */
    static Map<String, List<UnitOption>> model(UnitFile u) {
        Map<String, List<UnitOption>> m = new LinkedHashMap<>();
        for (UnitOption o : u.options()) {
            m.computeIfAbsent(o.section(), s -> new ArrayList<>()).add(o.withoutLine());
        }
        return m;
    }

    static String outcome(String text) {
        try {
            UnitFile u = UnitFile.parse("web@a1.service", text);
            return u.options() + "|" + u.fleet() + "|" + u.warnings() + "|" + u.hash();
        } catch (UnitFileException e) {
            return "refused " + e.problems();
        }
    }

    static String outcomeOfBytes(byte[] bytes) {
        try {
            UnitFile u = UnitFile.parse("web@a1.service", bytes);
            return u.options() + "|" + u.fleet() + "|" + u.warnings() + "|" + u.hash();
        } catch (UnitFileException e) {
            return "refused " + e.problems();
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<byte[]> mostlyUnit = unitLikeText().map(s -> s.getBytes(StandardCharsets.UTF_8))
                .flatMap(b -> Arbitraries.integers().between(0, Math.max(0, b.length - 1))
                        .flatMap(pos -> Arbitraries.bytes().map(x -> {
                            byte[] copy = b.clone();
                            if (copy.length > 0) {
                                copy[pos] = x;
                            }
                            return copy;
                        })));
        return Arbitraries.oneOf(random, mostlyUnit, unitLikeText().map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Unit-like text, and any UTF-16 string at all (unpaired surrogates, NUL, control characters). */
    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.oneOf(unitLikeText(), Arbitraries.strings().ofMaxLength(2000),
                Arbitraries.strings().withChars("[]=#;\\\n\r\t \u0000\uD800\uDC00%\"'").ofMaxLength(200));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("ab@.-_:\\/%é \n").ofMaxLength(20)
                        .flatMap(s -> Arbitraries.of("", ".service", ".socket", ".mount", ".txt").map(x -> s + x)),
                Arbitraries.strings().ofMaxLength(300));
    }

    @Provide
    Arbitrary<String> longNames() {
        Arbitrary<String> stem = Arbitraries.strings().withChars("abz09_-:").ofMinLength(230).ofMaxLength(262);
        return Combinators.combine(stem, Arbitraries.of("", "@", "@x", "@" + "y".repeat(20)),
                Arbitraries.of(".service", ".socket", ".timer")).as((a, b, c) -> a + b + c);
    }

    @Provide
    Arbitrary<List<UnitOption>> optionLists() {
        Arbitrary<String> section = Arbitraries.of("Unit", "Service", "X-Fleet", "Install", "", " S ", "A\"B", "X\nY");
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("Description", "ExecStart", "Conflicts",
                "MachineMetadata", "Global", "=", "#x", "[x", " k", "k ", "a\tb"), Arbitraries.strings().ofMaxLength(6));
        Arbitrary<String> value = Arbitraries.strings().withChars("ab =#;\\\"'%in\t\r\n*?[]!é").ofMaxLength(12);
        return Combinators.combine(section, key, value).as(UnitOption::new).list().ofMaxSize(8);
    }

    /**
     * Text built from the pieces the syntax cares about: headers (including [X-Fleet]), keys the
     * [X-Fleet] reader knows, values with blanks, quotes, backslashes, specifiers and globs,
     * comments, blank lines, continuations and every kind of line break. Most are valid units.
     */
    @Provide
    Arbitrary<String> unitLikeText() {
        Arbitrary<String> header = Arbitraries.of("[Unit]", "[Service]", "[X-Fleet]", "[Install]", "  [Service]  ",
                "[ Odd ]", "[Unit", "[]", "[a\"b]");
        Arbitrary<String> key = Arbitraries.oneOf(
                Arbitraries.of("Description", "ExecStart", "WantedBy", "MachineID", "MachineOf", "MachineMetadata",
                        "Conflicts", "Global", "Replaces", "X-Conflicts", "X-ConditionMachineMetadata", "Foo", "a b"),
                Arbitraries.strings().withChars("abcXYZ-_:").ofMinLength(1).ofMaxLength(8));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("", "true", "no", "maybe", "0123456789abcdef0123456789abcdef", "web@*.service",
                        "db.service other.service", "\"region=eu\" \"disk=ssd\"", "host=%i", "disk!=hdd", "%n %N %p %%",
                        "a[b", "x\\", "x\\\\", "/bin/echo # not a comment", "k=\"unclosed", "%H", "é 日本 🚀"),
                Arbitraries.strings().withChars("ab =#;\\\"'%inN*?[]!@.é\t").ofMaxLength(20));
        Arbitrary<String> blanks = Arbitraries.of("", " ", "\t", "  ");
        Arbitrary<String> assignment = Combinators.combine(blanks, key, blanks, value, blanks)
                .as((a, k, b, v, c) -> a + k + b + "=" + v + c);
        Arbitrary<String> line = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, assignment),
                net.jqwik.api.Tuple.of(2, header),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("# comment", "; comment", "   # indented", "#", "")),
                net.jqwik.api.Tuple.of(1, assignment.map(a -> a + "\\")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("ab=[]#;\\ ").ofMaxLength(10)));
        Arbitrary<String> eol = Arbitraries.of("\n", "\n", "\n", "\r\n", "\r", "\n\r");
        Arbitrary<String> lineWithEol = Combinators.combine(line, eol).as((l, e) -> l + e);
        return Combinators.combine(
                        Arbitraries.of("", "", "", "\uFEFF"),
                        header,
                        lineWithEol.list().ofMaxSize(25),
                        Arbitraries.of("", "\n", "\\"))
                .as((bom, first, lines, tail) -> bom + first + "\n" + String.join("", lines) + tail);
    }
}
