package dev.flotilla.api.server;

import dev.flotilla.api.Unit;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitPage;
import dev.flotilla.api.UnitStateEntry;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.RealisticUnits;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitOption;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Prints how long the JSON of the two 10,000-unit listings takes ({@code GET /fleet/v1/units} as
 * one page, {@code GET /flotilla/v1/units}); a measurement, not an assertion. Not part of the
 * suite (its name): {@code mvn -pl api-server -am test -Dtest=ListingJsonBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ListingJsonBenchmark {
    static final int UNITS = 10_000;

    static byte[] encode(Object value) {
        return dev.flotilla.json.Json.write(value);
    }

    @Test
    void listingsOfTenThousandUnits() throws Exception {
        List<Unit> fleet = new ArrayList<>();
        List<UnitFileEntry> entries = new ArrayList<>();
        List<UnitStateEntry> states = new ArrayList<>();
        int i = 0;
        for (UnitRecord u : RealisticUnits.mix(0, UNITS, DesiredState.LAUNCHED)) {
            List<Unit.Option> options = new ArrayList<>();
            for (UnitOption o : UnitFile.parse(u.name(), u.text()).options()) {
                options.add(new Unit.Option(o.section(), o.name(), o.value()));
            }
            String machine = "machine-" + (i % 100);
            fleet.add(new Unit(u.name(), options, "launched", "launched", machine));
            entries.add(new UnitFileEntry(u.name(), u.hash(), "launched", "launched", machine, "10.0.0." + (i % 100),
                    false, "Realistic unit " + i, "", 0, "", ""));
            states.add(new UnitStateEntry(u.name(), machine, "10.0.0." + (i % 100), u.hash(), "loaded", "active",
                    "running", 3, 0, 1764633600123456L + i));
            i++;
        }
        measure("fleet units page", new UnitPage(fleet, null));
        measure("flotilla units listing", new UnitListing(entries, states));
    }

    private static void measure(String what, Object value) throws Exception {
        int bytes = 0;
        for (int w = 0; w < 15; w++) {
            bytes = encode(value).length;
        }
        long[] times = new long[25];
        for (int r = 0; r < times.length; r++) {
            long t0 = System.nanoTime();
            encode(value);
            times[r] = System.nanoTime() - t0;
        }
        Arrays.sort(times);
        System.out.printf("%s: %d units, %d bytes, median %.2f ms, min %.2f ms (%d runs)%n", what, UNITS, bytes,
                times[times.length / 2] / 1e6, times[0] / 1e6, times.length);
    }
}
