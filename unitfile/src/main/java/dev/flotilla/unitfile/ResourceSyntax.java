package dev.flotilla.unitfile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The value syntax of resource amounts, as systemd reads them, so that what Flotilla reserves is
 * what systemd enforces: sizes ({@code MemoryMax=1.5G}), percentages ({@code CPUQuota=150%}) and
 * Flotilla's CPU amounts ({@code CPURequest=1.5}, {@code 500m}, {@code 150%}). Pure; every refusal
 * is an {@link IllegalArgumentException} whose message says what is wrong (without a line: the
 * caller knows where the value came from).
 */
public final class ResourceSyntax {

    /** systemd's size suffixes, base 1024, largest first; each may be used once, in this order. */
    private static final String[] SUFFIXES = {"E", "P", "T", "G", "M", "K", "B", ""};
    private static final int[] SHIFTS = {60, 50, 40, 30, 20, 10, 0, 0};
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ResourceSyntax() {
    }

    /**
     * A size as systemd's {@code parse_size(..., 1024)} reads it: a number with an optional
     * fraction and one of the suffixes K, M, G, T, P, E (powers of 1024) or B/none (bytes), and
     * several such parts summed largest suffix first ({@code 1G 512M}). The fraction of a part is
     * cut to whole bytes ({@code 1.5K} is 1536). At most {@link Long#MAX_VALUE}.
     */
    public static long bytes(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("is empty, not a size");
        }
        BigInteger total = BigInteger.ZERO;
        int i = 0;
        int from = 0;
        int n = s.length();
        while (i < n) {
            i = skipBlanks(s, i);
            if (i < n && s.charAt(i) == '-') {
                throw new IllegalArgumentException("is negative");
            }
            if (i < n && s.charAt(i) == '+') {
                i++;
            }
            int start = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw notASize(s);
            }
            BigDecimal number = new BigDecimal(s.substring(start, i));
            if (i < n && s.charAt(i) == '.') {
                i++;
                int fraction = i;
                while (i < n && isDigit(s.charAt(i))) {
                    i++;
                }
                // systemd accepts "10.M": a dot without digits adds nothing.
                if (i > fraction) {
                    number = new BigDecimal(s.substring(start, fraction - 1) + "." + s.substring(fraction, i));
                }
            }
            i = skipBlanks(s, i);
            int k = from;
            while (!s.startsWith(SUFFIXES[k], i)) {
                k++;
            }
            if (k == SUFFIXES.length - 1 && i < n && isSuffixLetter(s.charAt(i))) {
                throw new IllegalArgumentException("is not a size: the suffix " + Quote.of(s.substring(i, i + 1))
                        + " is out of place or unknown (K, M, G, T, P, E, largest first, each once; case matters)");
            }
            BigDecimal factor = new BigDecimal(BigInteger.ONE.shiftLeft(SHIFTS[k]));
            total = total.add(number.multiply(factor).setScale(0, RoundingMode.DOWN).toBigInteger());
            if (total.compareTo(MAX) > 0) {
                throw new IllegalArgumentException("is too large (at most " + Long.MAX_VALUE + " bytes)");
            }
            i += SUFFIXES[k].length();
            from = k + 1;
            if (k == SUFFIXES.length - 1 && i < n) {
                throw notASize(s);
            }
        }
        return total.longValueExact();
    }

    /** True when the value is written as a share ({@code %}, {@code ‰} or {@code ‱}): then {@link #permyriad} reads it. */
    public static boolean isShare(String text) {
        String s = text.strip();
        return s.endsWith("%") || s.endsWith("‰") || s.endsWith("‱");
    }

    /**
     * A share in hundredths of a percent, as systemd's {@code parse_permyriad_unbounded} reads it:
     * {@code 50%} or {@code 12.5%} or {@code 12.34%} (at most two decimals), {@code 125‰} or
     * {@code 12.5‰} (one decimal), {@code 1234‱} (whole). No upper bound here; the caller bounds it.
     */
    public static int permyriad(String text) {
        String s = text.strip();
        String symbol = s.endsWith("%") ? "%" : s.endsWith("‰") ? "‰" : s.endsWith("‱") ? "‱" : null;
        if (symbol == null) {
            throw new IllegalArgumentException("is not a percentage (such as 50% or 12.5%)");
        }
        String number = s.substring(0, s.length() - symbol.length());
        int decimals = symbol.equals("%") ? 2 : symbol.equals("‰") ? 1 : 0;
        int scale = symbol.equals("%") ? 100 : symbol.equals("‰") ? 10 : 1;
        if (number.startsWith("-")) {
            throw new IllegalArgumentException("is negative");
        }
        if (number.startsWith("+")) {
            number = number.substring(1);
        }
        int dot = number.indexOf('.');
        String whole = dot < 0 ? number : number.substring(0, dot);
        String fraction = dot < 0 ? "" : number.substring(dot + 1);
        if (whole.isEmpty() || !allDigits(whole) || (dot >= 0 && (fraction.isEmpty() || fraction.length() > decimals))
                || !allDigits(fraction)) {
            throw new IllegalArgumentException("is not a percentage: " + (decimals == 0
                    ? "a whole number before " + symbol
                    : "a number with at most " + decimals + (decimals == 1 ? " decimal" : " decimals") + " before " + symbol));
        }
        BigInteger value = new BigInteger(whole).multiply(BigInteger.valueOf(scale));
        if (!fraction.isEmpty()) {
            StringBuilder f = new StringBuilder(fraction);
            while (f.length() < decimals) {
                f.append('0');
            }
            value = value.add(new BigInteger(f.toString()));
        }
        if (value.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("is too large");
        }
        return value.intValue();
    }

    /**
     * An amount of CPU in thousandths of a CPU, in any of the forms users know: CPUs
     * ({@code 2}, {@code 1.5}, at most three decimals), thousandths as Kubernetes writes them
     * ({@code 500m}), or a share of one CPU as systemd's CPUQuota= ({@code 150%}, rounded up to a
     * whole thousandth). Zero is allowed (the caller decides what it means).
     */
    public static long cpuMillis(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("is empty, not an amount of CPU");
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("is negative");
        }
        if (isShare(s)) {
            return millisOfShare(permyriad(s));
        }
        try {
            if (s.endsWith("m")) {
                String digits = s.substring(0, s.length() - 1);
                if (!digits.isEmpty() && allDigits(digits)) {
                    return Long.parseLong(digits);
                }
            } else if (!s.startsWith("+") && s.chars().allMatch(c -> isDigit((char) c) || c == '.')) {
                BigDecimal cpus = new BigDecimal(s);
                if (cpus.scale() <= 3) {
                    return cpus.movePointRight(3).longValueExact();
                }
                throw new IllegalArgumentException("has more than three decimals (a thousandth of a CPU is the smallest amount)");
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // Falls through to the refusal below (too long or not a number).
        }
        throw new IllegalArgumentException("is not an amount of CPU (CPUs such as 2 or 1.5, thousandths such as 500m, "
                + "or a share of one CPU such as 150%)");
    }

    /** Thousandths of a CPU of a share of one CPU (10,000 = one CPU), rounded up so a reservation never falls short. */
    public static long millisOfShare(int permyriad) {
        return (permyriad + 9L) / 10;
    }

    /** Bytes as a person reads them: {@code 1.5 GiB}, {@code 512 MiB}, {@code 300 B}. */
    public static String formatBytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        if (u == 0) {
            return bytes + " B";
        }
        String n = BigDecimal.valueOf(v).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        return n + " " + units[u];
    }

    /** Thousandths of a CPU as a person reads them: {@code 1.5 CPUs}, {@code 1 CPU}, {@code 0.25 CPUs}. */
    public static String formatCpu(long millis) {
        String n = BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return n + (millis == 1000 ? " CPU" : " CPUs");
    }

    private static IllegalArgumentException notASize(String s) {
        return new IllegalArgumentException("is not a size (bytes, or a number with K, M, G or T: 512M, 1.5G)");
    }

    private static int skipBlanks(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSuffixLetter(char c) {
        return Character.isLetter(c);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
