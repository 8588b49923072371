package dev.flotilla.bench;

/**
 * One measured number with what it means.
 *
 * @param writesPerSecond the etcd write rate this figure stands for (NaN: not a write rate), shown as a
 *                        share of what etcd alone sustains on this machine
 */
record Figure(String name, double value, String unit, String target, String how, double writesPerSecond) {
    Figure(String name, double value, String unit, String target, String how) {
        this(name, value, unit, target, how, Double.NaN);
    }

    String formatted() {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format("%,d", (long) value);
        }
        return String.format("%,.2f", value);
    }
}
