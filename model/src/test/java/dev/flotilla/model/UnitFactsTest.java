package dev.flotilla.model;

import dev.flotilla.unitfile.Demand;
import dev.flotilla.unitfile.FleetRequirements;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitFactsTest {

    /**
     * Every text of {@link UnitTextCorpus} has the facts the agent, engine, API and registry derived from
     * it before they shared this class (unit-facts-before.tsv was written by running those classes).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("before")
    void agreesWithWhatTheFourReadersDerivedBefore(String name, String text, String expected) {
        UnitFacts f = UnitFacts.read(name, text, UnitFile.hashOf(text));
        assertEquals(expected, describe(f));
        assertEquals(f, UnitFacts.of(new UnitRecord(name, text, UnitFile.hashOf(text), DesiredState.LAUNCHED)));
    }

    static Stream<Arguments> before() throws IOException {
        List<UnitTextCorpus.Named> texts = UnitTextCorpus.all();
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = UnitFactsTest.class.getResourceAsStream("/unit-facts-before.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
        }
        assertEquals(texts.size(), rows.size(), "one pinned row per text");
        return IntStream.range(0, texts.size()).mapToObj(i -> {
            assertEquals(texts.get(i).name(), rows.get(i)[0], "row " + i);
            return Arguments.of(texts.get(i).name(), texts.get(i).text(), rows.get(i)[1]);
        });
    }

    /** The form the old classes' results were written in. */
    static String describe(UnitFacts f) {
        FleetRequirements fleet = f.fleet();
        String line = String.format("template=%s install=%s activates=%s global=%s description=%s machineId=%s machineOf=%s"
                        + " required=%s excluded=%s conflicts=%s replaces=%s problem=%s",
                f.template(), f.hasInstall(), f.activates().orElse("-"), f.global(), f.description(),
                fleet.machineId().orElse("-"), fleet.machineOf(), fleet.metadata().required(), fleet.metadata().excluded(),
                fleet.conflicts(), fleet.replaces(), f.problem().orElse("-"));
        return line.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r").replace("\n", "\\n");
    }

    @ParameterizedTest(name = "{0}: activates {2}")
    @CsvSource(delimiter = '|', value = {
            "a.socket       | ''                      | a.service",
            "a.socket       | Service=b.service       | b.service",
            "a.socket       | 'Service=  b.service  ' | b.service",
            "a.socket       | 'Service=   '           | a.service",
            "a.socket       | Accept=yes              | a@.service",
            "a.socket       | Accept=YES              | a@.service",
            "a.socket       | Accept=1                | a@.service",
            "a.socket       | Accept=true             | a@.service",
            "a.socket       | Accept=t                | a@.service",
            "a.socket       | Accept=no               | a.service",
            "a.socket       | Accept=maybe            | a.service",
            "a.socket       | Accept=yes\\nService=b.service | b.service",
            "a@x.socket     | Accept=yes              | a@.service",
            "a@x.socket     | ''                      | a@x.service",
            "a.service      | Accept=yes              | -",
            "a.timer        | ''                      | -",
    })
    void aSocketActivatesItsService(String name, String socketOptions, String activates) {
        String text = "[Socket]\nListenStream=7\n" + socketOptions.replace("\\n", "\n") + "\n";
        UnitFacts f = UnitFacts.read(name, text, UnitFile.hashOf(text));
        assertTrue(f.readable(), f.problem().toString());
        assertEquals(activates, f.activates().orElse("-"));
    }

    @ParameterizedTest(name = "{0} -> global={1}")
    @CsvSource(delimiter = '|', value = {
            "''                                  | false",
            "[X-Fleet]\\nGlobal=true              | true",
            "[X-Fleet]\\nGlobal=false             | false",
            "[X-Fleet]\\nGlobal=true\\nMachineID=x | false",
            "[X-Fleet]\\nGlobal=true\\nConflicts=a*\\nReplaces=b | false",
            "no section                          | false",
    })
    void globalIsFalseUnlessReadableAndSaid(String fleet, boolean global) {
        String text = "[Service]\nExecStart=/bin/true\n" + fleet.replace("\\n", "\n") + "\n";
        UnitFacts f = UnitFacts.read("g.service", text, UnitFile.hashOf(text));
        assertEquals(global, f.global(), f.toString());
    }

    @Test
    void anUnreadableTextHasTheFactsOfAnEmptyUnitAndSaysWhy() {
        UnitFacts f = UnitFacts.read("a.socket", "[Socket]\nListenStream=7\n[X-Fleet]\nGlobal=true\nConflicts=a\nReplaces=b\n", "h");
        assertFalse(f.readable());
        assertTrue(f.problem().orElseThrow().contains("Conflicts cannot be combined with Replaces"), f.problem().orElseThrow());
        assertEquals(new UnitFacts("a.socket", "h", FleetRequirements.NONE, "", false, false, Optional.empty(), Demand.NONE, f.problem()), f);
    }

    @Test
    void specifiersExpandForTheNameNotTheText() {
        String text = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineOf=data@%i.service\n";
        UnitFacts one = UnitFacts.of("db@1.service", text);
        UnitFacts two = UnitFacts.of("db@2.service", text);
        assertEquals(one.hash(), two.hash());
        assertEquals(List.of("data@1.service"), one.fleet().machineOf());
        assertEquals(List.of("data@2.service"), two.fleet().machineOf());
    }

    @Test
    void ofReturnsTheCachedFacts() {
        String text = "[Service]\nExecStart=/bin/true\n# " + UnitFactsTest.class.getName() + "\n";
        assertSame(UnitFacts.of("cached.service", text),
                UnitFacts.of(new UnitRecord("cached.service", text, UnitFile.hashOf(text), DesiredState.INACTIVE)));
        assertEquals(UnitFile.hashOf(text), UnitFacts.of("cached.service", text).hash());
    }

    @Test
    void theDemandIsReadFromTheUnitsDirectives() {
        String text = "[Service]\nExecStart=/bin/true\nMemoryMax=1G\nCPUQuota=150%\n[X-Fleet]\nCPURequest=250m\n";
        UnitFacts f = UnitFacts.read("d.service", text, UnitFile.hashOf(text));
        assertEquals(new Demand(250, 1L << 30, 0), f.demand());
        String none = "[Service]\nExecStart=/bin/true\n";
        assertEquals(Demand.NONE, UnitFacts.read("n.service", none, UnitFile.hashOf(none)).demand());
    }

    @Test
    void aBadResourceValueMakesTheTextUnreadable() {
        String text = "[Service]\nExecStart=/bin/true\nMemoryMax=lots\n";
        UnitFacts f = UnitFacts.read("d.service", text, UnitFile.hashOf(text));
        assertFalse(f.readable());
        assertTrue(f.problem().orElseThrow().startsWith("line 3: MemoryMax 'lots' is not a size"), f.problem().orElseThrow());
        assertEquals(Demand.NONE, f.demand());
    }
}
