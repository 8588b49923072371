package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Units of the size people write (300-600 bytes: a description, ExecStartPre/ExecStart with
 * arguments, Environment lines, [X-Fleet]), reproducible from a seed. The bench's tiny units hid
 * etcd's and gRPC's size limits.
 */
public final class RealisticUnits {
    private RealisticUnits() {
    }

    /** {@code count} units named {@code <prefix>-<i>.service}, each 300-600 bytes of text. */
    public static List<UnitRecord> of(String prefix, int count, long seed) {
        Random random = new Random(seed);
        List<UnitRecord> units = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i + ".service";
            units.add(record(name, text(name, random), DesiredState.LAUNCHED));
        }
        return units;
    }

    /** A unit that parses with {@code bytes} bytes of text, mostly quotes (which JSON escapes). */
    public static UnitRecord ofSize(String name, int bytes, boolean global) {
        String head = "[Unit]\nDescription=big \"quoted\" unit\n\n[Service]\nExecStart=/bin/true\n"
                + (global ? "\n[X-Fleet]\nGlobal=true\n" : "");
        StringBuilder b = new StringBuilder(head);
        String line = "# " + "\"".repeat(1000) + "\n";
        while (b.length() + line.length() + 3 <= bytes) {
            b.append(line);
        }
        int rest = bytes - b.length() - 2;
        b.append('#').append("x".repeat(rest)).append('\n');
        if (b.length() != bytes) {
            throw new IllegalStateException(b.length() + " != " + bytes);
        }
        return record(name, b.toString(), DesiredState.LAUNCHED);
    }

    /** A unit of exactly {@link dev.flotilla.unitfile.UnitFile#MAX_BYTES} of text. */
    public static UnitRecord largest(String name, boolean global) {
        return ofSize(name, dev.flotilla.unitfile.UnitFile.MAX_BYTES, global);
    }

    public static UnitRecord record(String name, String text, DesiredState desired) {
        return new UnitRecord(name, text, UnitFile.hashOf(text), desired);
    }

    static String text(String name, Random random) {
        StringBuilder b = new StringBuilder(600);
        b.append("[Unit]\nDescription=Orders \"checkout\" ").append(name).append("\nAfter=docker.service\n\n[Service]\n");
        int env = 1 + random.nextInt(3);
        for (int e = 0; e < env; e++) {
            b.append("Environment=\"OPT_").append(e).append("=a b ").append(random.nextInt(100000)).append("\"\n");
        }
        b.append("ExecStartPre=-/usr/bin/docker rm -f ").append(name).append('\n')
                .append("ExecStart=/usr/bin/docker run --rm --name ").append(name)
                .append(" -p ").append(8000 + random.nextInt(1000)).append(":80 -e TIER=\"web\" shop/orders:")
                .append(random.nextInt(50)).append('\n')
                .append("Restart=always\n\n[X-Fleet]\nMachineMetadata=disk=ssd\n");
        int target = 300 + random.nextInt(301);
        int pad = target - b.length() - 3;
        if (pad > 0) {
            b.append("# ").append("x".repeat(pad)).append('\n');
        }
        return b.toString();
    }

    /** /proc/loadavg, printed beside a timing. */
    public static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
