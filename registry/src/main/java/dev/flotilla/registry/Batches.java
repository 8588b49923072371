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
}
