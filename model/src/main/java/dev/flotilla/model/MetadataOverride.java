package dev.flotilla.model;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A metadata key of one machine set through the API (fleet's PATCH of /machines): it takes
 * precedence over the metadata the machine's daemon is configured with, and lasts across the
 * machine's registrations and restarts.
 *
 * <p>Overrides are bounded ({@link #problem}), so a machine's registration, which carries them,
 * always fits in one etcd request: at most {@link #MAX_KEYS_PER_MACHINE} keys of
 * {@link #MAX_KEY_LENGTH} characters with values of {@link #MAX_VALUE_BYTES} bytes.
 *
 * @param value the value, or "" to remove the key (also a configured one)
 */
public record MetadataOverride(String machineId, String key, String value) {
    /** What flotd reads from /etc/machine-id: 32 lowercase hex characters. */
    public static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");
    /** fleet's key characters. */
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    public static final int MAX_KEY_LENGTH = 63;
    public static final int MAX_VALUE_BYTES = 255;
    public static final int MAX_KEYS_PER_MACHINE = 64;

    public MetadataOverride {
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
    }

    public boolean removes() {
        return value.isEmpty();
    }

    /** @throws IllegalArgumentException if this override cannot be stored ({@link #problem()}) */
    public void check() {
        problem().ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
    }

    /** Why this override cannot be stored (machine id, key or value out of bounds), or empty. */
    public Optional<String> problem() {
        if (!MACHINE_ID.matcher(machineId).matches()) {
            return Optional.of("machine id '" + shortened(machineId) + "' is not a machine id (32 lowercase hex characters)");
        }
        return problem(key, value);
    }

    /** Why a key and value cannot be an override, or empty; never quotes a value. */
    public static Optional<String> problem(String key, String value) {
        if (key.length() > MAX_KEY_LENGTH) {
            return Optional.of("metadata key of " + key.length() + " characters; the limit is " + MAX_KEY_LENGTH);
        }
        if (!KEY.matcher(key).matches()) {
            return Optional.of("metadata key '" + shortened(key) + "' has characters other than letters, digits, '_', '.', '-'");
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_VALUE_BYTES) {
            return Optional.of("metadata value of " + bytes + " bytes for key " + key + "; the limit is " + MAX_VALUE_BYTES);
        }
        return Optional.empty();
    }

    /**
     * The overrides a machine can use out of those stored (an older version stored any size):
     * those out of bounds are left out, and beyond {@link #MAX_KEYS_PER_MACHINE} keys (in key
     * order) the rest; each skip is told to {@code skipped} in a short line.
     */
    public static Map<String, String> usable(Map<String, String> stored, java.util.function.Consumer<String> skipped) {
        Map<String, String> usable = new java.util.TreeMap<>();
        int beyond = 0;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(stored).entrySet()) {
            Optional<String> problem = problem(e.getKey(), e.getValue());
            if (problem.isPresent()) {
                skipped.accept(problem.get());
            } else if (usable.size() >= MAX_KEYS_PER_MACHINE) {
                beyond++;
            } else {
                usable.put(e.getKey(), e.getValue());
            }
        }
        if (beyond > 0) {
            skipped.accept(beyond + " metadata keys beyond the limit of " + MAX_KEYS_PER_MACHINE + " keys per machine");
        }
        return usable;
    }

    public static String shortened(String s) {
        String printable = s.codePoints().limit(40)
                .collect(StringBuilder::new, (b, c) -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c), StringBuilder::append)
                .toString();
        return s.length() > 40 ? printable + "..." : printable;
    }
}
