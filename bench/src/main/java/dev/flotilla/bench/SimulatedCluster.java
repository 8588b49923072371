package dev.flotilla.bench;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.RealisticUnits;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Machines registered on real leases, and a mix of units as users submit them. */
final class SimulatedCluster {
    private SimulatedCluster() {
    }

    static String machineId(int i) {
        return String.format("%032x", 0xf1a7000000L + i);
    }

    /** Registers n machines (metadata az=a..d, disk=ssd on every other one) on leases of the given TTL. */
    static List<MachinePresence> register(Registry registry, int n, Duration ttl) {
        List<MachinePresence> presences = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            presences.add(registry.register(new Machine(machineId(i), "127.0.0.1", metadata(i), "bench"), ttl,
                    "bench-" + i, Duration.ZERO));
        }
        return presences;
    }

    /** Machine i's metadata: az=a..d in turn, disk=ssd on every other one. */
    static Map<String, String> metadata(int i) {
        return i % 2 == 0
                ? Map.of("az", String.valueOf((char) ('a' + i % 4)), "disk", "ssd")
                : Map.of("az", String.valueOf((char) ('a' + i % 4)));
    }

    /** The unit mix of {@link RealisticUnits#mix} (one source of realistic texts for tests and the bench). */
    static List<UnitRecord> units(int n, DesiredState desired) {
        return RealisticUnits.mix(0, n, desired);
    }

    /** Units number from .. from+n-1 of the same mix. */
    static List<UnitRecord> units(int from, int n, DesiredState desired) {
        return RealisticUnits.mix(from, n, desired);
    }

    /** Submits units as many concurrent API calls would; returns when all are in etcd. */
    static void submit(Registry registry, List<UnitRecord> units, int parallelism) throws Exception {
        concurrently(units, parallelism, u -> registry.createUnit(u), "a unit already existed");
    }

    /**
     * Submits units as {@code POST /flotilla/v1/units} calls of {@code batch} units each would
     * (flotctl sends every unit named on its command line in one call), {@code callers} at a time.
     */
    static void submitInBatches(Registry registry, List<UnitRecord> units, int batch, int callers) throws Exception {
        inBatches(units, batch, callers, chunk -> !registry.createUnits(chunk).containsValue(false), "a unit already existed");
    }

    /**
     * Submits units as several clients would, each on its own connection: the batches of
     * {@code batch} units are dealt out in turn, and each caller posts its share one call after the
     * other (a client waits for its answer before its next call). {@code submitted} counts the units
     * written so far.
     */
    static void submitFromCallers(List<Registry> callers, List<UnitRecord> units, int batch,
                                  java.util.concurrent.atomic.AtomicLong submitted) throws Exception {
        List<List<List<UnitRecord>>> shares = new ArrayList<>();
        callers.forEach(c -> shares.add(new ArrayList<>()));
        for (int i = 0, k = 0; i < units.size(); i += batch, k++) {
            shares.get(k % callers.size()).add(units.subList(i, Math.min(units.size(), i + batch)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers.size());
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < callers.size(); c++) {
                Registry registry = callers.get(c);
                List<List<UnitRecord>> share = shares.get(c);
                results.add(pool.submit(() -> {
                    for (List<UnitRecord> chunk : share) {
                        if (registry.createUnits(chunk).containsValue(false)) {
                            throw new IllegalStateException("a unit already existed");
                        }
                        submitted.addAndGet(chunk.size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Sets desired states as batch calls would (flotctl start of many submitted units). */
    static void setDesiredInBatches(Registry registry, List<UnitRecord> units, DesiredState desired, int batch, int callers)
            throws Exception {
        inBatches(units, batch, callers, chunk -> {
            java.util.Map<String, DesiredState> wanted = new java.util.LinkedHashMap<>();
            chunk.forEach(u -> wanted.put(u.name(), desired));
            return !registry.setDesiredStates(wanted).containsValue(false);
        }, "a unit vanished");
    }

    private static void inBatches(List<UnitRecord> units, int batch, int callers,
                                  java.util.function.Predicate<List<UnitRecord>> call, String whenFalse) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < units.size(); i += batch) {
                List<UnitRecord> chunk = units.subList(i, Math.min(units.size(), i + batch));
                results.add(pool.submit(() -> call.test(chunk)));
            }
            for (Future<Boolean> f : results) {
                if (!f.get()) {
                    throw new IllegalStateException(whenFalse);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void concurrently(List<UnitRecord> units, int parallelism, java.util.function.Predicate<UnitRecord> call,
                                     String whenFalse) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<Boolean>> results = new ArrayList<>(units.size());
            for (UnitRecord u : units) {
                results.add(pool.submit(() -> call.test(u)));
            }
            for (Future<Boolean> f : results) {
                if (!f.get()) {
                    throw new IllegalStateException(whenFalse);
                }
            }
        } finally {
            pool.shutdown();
        }
    }
}
