package dev.flotilla.bench;

/** One measured number with what it means. */
record Figure(String name, double value, String unit, String target, String how) {
    String formatted() {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format("%,d", (long) value);
        }
        return String.format("%,.2f", value);
    }
}
