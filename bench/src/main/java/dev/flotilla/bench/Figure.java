package dev.flotilla.bench;

/**
 * One measured number with what it means.
 *
 * @param writesPerSecond the etcd write rate this figure stands for (NaN: not a write rate), shown as a
 *                        share of what etcd alone sustains on this machine
 * @param row             its row in the sweep's growth table, the same at every size ("": not in it)
 * @param basis           what the growth table divides it by, so a reader sees what grows linearly
 */
record Figure(String name, double value, String unit, String target, String how, double writesPerSecond, String row, Basis basis) {
    /** What a figure is expected to grow with; the growth table shows it per 1,000 of that. */
    enum Basis {
        UNITS("per 1k units"), MACHINES("per 1k machines"), NONE("");

        final String label;

        Basis(String label) {
            this.label = label;
        }
    }

    Figure(String name, double value, String unit, String target, String how, double writesPerSecond) {
        this(name, value, unit, target, how, writesPerSecond, "", Basis.NONE);
    }

    Figure(String name, double value, String unit, String target, String how) {
        this(name, value, unit, target, how, Double.NaN);
    }

    /** This figure as row {@code row} of the growth table, divided by {@code basis} there. */
    Figure grows(String row, Basis basis) {
        return new Figure(name, value, unit, target, how, writesPerSecond, row, basis);
    }

    String formatted() {
        return format(value);
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format("%,d", (long) v);
        }
        if (Math.abs(v) >= 100) {
            return String.format("%,.0f", v);
        }
        return Math.abs(v) >= 1 ? String.format("%,.2f", v) : String.format("%.3g", v);
    }
}
