package dev.flotilla.engine.scheduler;

/**
 * Shares of a machine (allocated / capacity) compared exactly, as fractions of two longs: no
 * rounding can make two different shares equal, which the ranking's early stop relies on (see
 * {@link LoadIndex}). A capacity of 0 (unknown) makes the share 0.
 */
final class Share {

    private Share() {
    }

    /** {@code used1 / capacity1} against {@code used2 / capacity2}, all non-negative. */
    static int compare(long used1, long capacity1, long used2, long capacity2) {
        if (capacity1 == 0) {
            used1 = 0;
            capacity1 = 1;
        }
        if (capacity2 == 0) {
            used2 = 0;
            capacity2 = 1;
        }
        // used1 * capacity2 against used2 * capacity1, in 128 bits
        long hi1 = Math.multiplyHigh(used1, capacity2);
        long hi2 = Math.multiplyHigh(used2, capacity1);
        if (hi1 != hi2) {
            return Long.compare(hi1, hi2);
        }
        return Long.compareUnsigned(used1 * capacity2, used2 * capacity1);
    }
}
