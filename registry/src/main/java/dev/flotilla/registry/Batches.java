package dev.flotilla.registry;

import java.util.ArrayList;
import java.util.List;

/** Splits writes into transactions: etcd refuses transactions of more than 128 operations by default. */
final class Batches {
    static final int MAX_TXN_OPS = 100;

    private Batches() {
    }

    static <T> List<List<T>> of(List<T> items) {
        List<List<T>> batches = new ArrayList<>();
        for (int from = 0; from < items.size(); from += MAX_TXN_OPS) {
            batches.add(items.subList(from, Math.min(items.size(), from + MAX_TXN_OPS)));
        }
        return batches;
    }

    /** Consecutive runs of items whose weights (operations each) add up to at most MAX_TXN_OPS. */
    static <T> List<List<T>> byWeight(List<T> items, java.util.function.ToIntFunction<T> weight) {
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int ops = 0;
        for (T item : items) {
            int w = weight.applyAsInt(item);
            if (!current.isEmpty() && ops + w > MAX_TXN_OPS) {
                batches.add(current);
                current = new ArrayList<>();
                ops = 0;
            }
            current.add(item);
            ops += w;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    /** The names in order, refusing a name given twice. */
    static java.util.Map<String, Boolean> namesOnce(List<UnitRecord> units) {
        java.util.Map<String, Boolean> results = new java.util.LinkedHashMap<>();
        for (UnitRecord unit : units) {
            if (results.put(unit.name(), Boolean.FALSE) != null) {
                throw new IllegalArgumentException("unit " + unit.name() + " is given twice");
            }
        }
        return results;
    }
}
