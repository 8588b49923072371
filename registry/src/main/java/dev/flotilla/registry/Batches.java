package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits writes into transactions etcd accepts: at most 128 operations by default (we keep to
 * {@link #MAX_TXN_OPS}) and at most 1.5 MiB per request ({@code --max-request-bytes}; we keep to
 * {@link #MAX_TXN_BYTES}, leaving room for the comparisons, reads and framing of a transaction).
 */
final class Batches {
    static final int MAX_TXN_OPS = 100;
    /**
     * Key and value bytes written by one transaction. One item may weigh more only up to this
     * bound too: a global unit at the size limit (unit and index entry, about 1.0 MiB) fits.
     */
    static final int MAX_TXN_BYTES = 1280 << 10;

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
    static <T> List<List<T>> byWeight(List<T> items, ToIntFunction<T> weight) {
        return byWeight(items, weight, item -> 0);
    }

    /**
     * Consecutive runs of items whose operations add up to at most MAX_TXN_OPS and whose bytes
     * to at most MAX_TXN_BYTES. Every item is checked before any batch is made, so a caller
     * writes nothing when one item could never be written.
     *
     * @throws IllegalArgumentException naming the first item heavier than MAX_TXN_BYTES alone
     */
    static <T> List<List<T>> byWeight(List<T> items, ToIntFunction<T> ops, ToIntFunction<T> bytes) {
        for (T item : items) {
            int b = bytes.applyAsInt(item);
            if (b > MAX_TXN_BYTES) {
                throw new IllegalArgumentException(item + " needs " + b + " bytes in one etcd transaction; the limit is "
                        + MAX_TXN_BYTES);
            }
        }
        List<List<T>> batches = new ArrayList<>();
        List<T> current = new ArrayList<>();
        int opsSum = 0;
        long bytesSum = 0;
        for (T item : items) {
            int o = ops.applyAsInt(item);
            int b = bytes.applyAsInt(item);
            if (!current.isEmpty() && (opsSum + o > MAX_TXN_OPS || bytesSum + b > MAX_TXN_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                opsSum = 0;
                bytesSum = 0;
            }
            current.add(item);
            opsSum += o;
            bytesSum += b;
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
