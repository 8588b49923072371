package dev.flotilla.model;

import dev.flotilla.unitfile.UnitFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitFactsCacheTest {

    static String text(int i) {
        return "[Service]\nExecStart=/bin/true " + i + "\n";
    }

    static UnitFacts get(UnitFactsCache cache, String name, String text) {
        return cache.get(name, text, UnitFile.hashOf(text));
    }

    @Test
    void neverHoldsMoreThanTheBoundAndDropsTheOldestFirst() {
        UnitFactsCache cache = new UnitFactsCache(3);
        UnitFacts first = get(cache, "a.service", text(0));
        for (int i = 1; i < 3; i++) {
            get(cache, "a.service", text(i));
        }
        assertEquals(3, cache.size());
        assertSame(first, get(cache, "a.service", text(0)), "still cached");
        for (int i = 3; i < 100; i++) {
            get(cache, "a.service", text(i));
            assertEquals(3, cache.size());
        }
        UnitFacts again = get(cache, "a.service", text(0));
        assertNotSame(first, again, "dropped, so read again");
        assertEquals(first, again);
        assertEquals(3, cache.size());
    }

    @Test
    void theNameIsPartOfTheKey() {
        UnitFactsCache cache = new UnitFactsCache(10);
        String text = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nConflicts=%n\n";
        assertEquals(List.of("a.service"), get(cache, "a.service", text).fleet().conflicts());
        assertEquals(List.of("b.service"), get(cache, "b.service", text).fleet().conflicts());
        assertEquals(2, cache.size());
    }

    @Test
    void theSharedBoundIsAboveTheLargestClusterMeantFor() {
        assertTrue(UnitFactsCache.MAX_ENTRIES > 100_000);
        assertThrows(IllegalArgumentException.class, () -> new UnitFactsCache(0));
    }

    @Test
    void concurrentReadersAgreeAndTheBoundHolds() throws Exception {
        UnitFactsCache cache = new UnitFactsCache(50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                tasks.add(() -> {
                    int wrong = 0;
                    for (int i = 0; i < 5_000; i++) {
                        int n = (i * 7 + seed * 13) % 200;
                        UnitFacts f = get(cache, "u" + n % 3 + ".service", text(n));
                        wrong += f.name().equals("u" + n % 3 + ".service") && f.hash().equals(UnitFile.hashOf(text(n))) ? 0 : 1;
                        wrong += cache.size() <= 50 ? 0 : 1;
                    }
                    return wrong;
                });
            }
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                assertEquals(0, f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(50, cache.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whatever the order of lookups: each answer is what a fresh read gives, and the bound holds. */
    @Property(tries = 200)
    void anyLookupsGiveTheFactsOfAFreshRead(@ForAll @IntRange(min = 1, max = 8) int bound,
                                            @ForAll("lookups") List<Integer> lookups) {
        UnitFactsCache cache = new UnitFactsCache(bound);
        for (int n : lookups) {
            String name = n % 2 == 0 ? "web@" + n % 5 + ".service" : "web.socket";
            String text = "[Socket]\nListenStream=" + n % 3 + "\n[X-Fleet]\nMachineOf=%i.service\n";
            assertEquals(UnitFacts.read(name, text, UnitFile.hashOf(text)), get(cache, name, text));
            assertTrue(cache.size() <= bound);
        }
    }

    @Provide
    Arbitrary<List<Integer>> lookups() {
        return Arbitraries.integers().between(0, 30).list().ofMaxSize(60);
    }
}
