package dev.flotilla.engine.scheduler;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Figures in wait reasons, for people: sizes in binary units, CPUs, short machine ids. */
final class Amounts {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Amounts() {
    }

    /** {@code 2.5 GiB}; at most two decimals, rounded the given way (a need up, a free amount down). */
    static String bytes(long bytes, RoundingMode rounding) {
        if (bytes < 1024) {
            return Math.max(bytes, 0) + " B";
        }
        int unit = 0;
        long scale = 1;
        while (unit + 1 < UNITS.length && bytes / scale >= 1024) {
            scale *= 1024;
            unit++;
        }
        BigDecimal v = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(scale), 2, rounding).stripTrailingZeros();
        return v.toPlainString() + " " + UNITS[unit];
    }

    /** {@code 1.5 CPUs}, {@code 1 CPU}. */
    static String cpus(long millis) {
        BigDecimal v = BigDecimal.valueOf(Math.max(millis, 0), 3).stripTrailingZeros();
        return v.toPlainString() + (v.compareTo(BigDecimal.ONE) == 0 ? " CPU" : " CPUs");
    }

    /** {@code 25%}, {@code 12.5%} from hundredths of a percent. */
    static String percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
    }

    /** The first 8 characters and an ellipsis, as fleetctl shortened machine ids. */
    static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) + "..." : id;
    }
}
