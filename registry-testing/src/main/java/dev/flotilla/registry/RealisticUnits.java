package dev.flotilla.registry;

import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitFile;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Units of the size people write (400-1,000 bytes: a description, ExecStartPre/ExecStart with
 * arguments, Restart=, Environment lines, an [X-Fleet] section), reproducible from a seed or an
 * index. The one source of realistic unit texts: tests take this module at test scope, the bench
 * harness at compile scope. Tiny units hid etcd's and gRPC's size limits.
 */
public final class RealisticUnits {
    private RealisticUnits() {
    }

    /** The smallest and largest text of {@link #of} and {@link #mix}. */
    public static final int MIN_BYTES = 400;
    public static final int MAX_BYTES = 1000;

    /** {@code count} units named {@code <prefix>-<i>.service}, each 400-1,000 bytes of text. */
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
        int target = MIN_BYTES + random.nextInt(MAX_BYTES - MIN_BYTES + 1);
        int pad = target - b.length() - 3;
        if (pad > 0) {
            b.append("# ").append("x".repeat(pad)).append('\n');
        }
        return b.toString();
    }

    /**
     * The benchmarks' constraint mix, units {@code from .. from+n-1}: 70% plain, 10% MachineMetadata=az=a,
     * 5% MachineMetadata disk=ssd and az!=d, 5% {@code Conflicts=solo-*} (at most one per machine), 10%
     * MachineOf followers of the plain unit {@code i - i % 20} ({@code from} a multiple of 20 keeps every
     * follower's leader in the same batch). Every unit fits when there are at least as many machines
     * as {@code solo-} units; machines need {@code az=a..d} and {@code disk=ssd} metadata for the rest.
     */
    public static List<UnitRecord> mix(int from, int n, DesiredState desired) {
        List<UnitRecord> units = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            units.add(mixed(i, desired));
        }
        return units;
    }

    /** Unit {@code i} of {@link #mix}. */
    public static UnitRecord mixed(int i, DesiredState desired) {
        String name;
        String xfleet;
        int kind = i % 20;
        if (kind < 14) {
            name = "app-" + i + ".service";
            xfleet = "";
        } else if (kind < 16) {
            name = "zonal-" + i + ".service";
            xfleet = "MachineMetadata=az=a\n";
        } else if (kind < 17) {
            name = "fast-" + i + ".service";
            xfleet = "MachineMetadata=disk=ssd\nMachineMetadata=az!=d\n";
        } else if (kind < 18) {
            name = "solo-" + i + ".service";
            xfleet = "Conflicts=solo-*\n";
        } else {
            name = "side-" + i + ".service";
            xfleet = "MachineOf=app-" + (i - kind) + ".service\n";
        }
        return record(name, workerText(name, i, xfleet), desired);
    }

    /**
     * A worker unit of ~600-700 bytes: a description, environment, a pre-start check and a start command
     * with arguments, a restart policy, and its [X-Fleet] section (with {@code xfleet}, possibly empty).
     * It runs {@code sleep infinity}, so it can run on a real machine too.
     */
    public static String workerText(String name, int i, String xfleet) {
        return "[Unit]\n"
                + "Description=" + name + ": order intake worker " + i + " (reads the queue, writes the ledger)\n"
                + "After=network-online.target\n"
                + "Wants=network-online.target\n\n"
                + "[Service]\n"
                + "Environment=WORKER_ID=" + i + "\n"
                + "Environment=QUEUE_URL=amqp://queue.internal:5672/orders\n"
                + "Environment=LEDGER_DIR=/var/lib/ledger/" + i + "\n"
                + "Environment=LOG_LEVEL=info\n"
                + "ExecStartPre=/bin/sh -c 'mkdir -p /var/lib/ledger/" + i + "'\n"
                + "ExecStart=/bin/sh -c 'exec sleep infinity # --worker=" + i + " --queue=$QUEUE_URL --batch=64'\n"
                + "Restart=on-failure\n"
                + "RestartSec=2\n"
                + "TimeoutStopSec=10\n\n"
                + "[X-Fleet]\n" + xfleet;
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
