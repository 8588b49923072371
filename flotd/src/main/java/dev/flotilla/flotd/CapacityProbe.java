package dev.flotilla.flotd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CPUs and memory units can use on this machine, read the way the kernel states them (not
 * through the JVM, whose view is its own process's and depends on its version and flags).
 *
 * <p>Units run in {@code system.slice}, not in flotd's own cgroup (a {@code MemoryMax=} on
 * flotd.service limits flotd alone), so the limits that count are those of the cgroup root flotd
 * sees and of {@code system.slice} under it. On a host the root has no limit; inside a container
 * (systemd-nspawn, which gives the machine a cgroup namespace or a bind-mounted subtree) the root
 * is the container's own cgroup, and its limits are the machine's. {@code /proc/meminfo} there
 * shows the host's memory, which is why the cgroup limits come first.
 *
 * <p>Read, in this order, taking the smallest: cgroup v2 ({@code memory.max}, {@code cpu.max},
 * {@code cpuset.cpus.effective}), cgroup v1 ({@code memory.limit_in_bytes},
 * {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}, {@code cpuset.effective_cpus}), then
 * {@code /proc/meminfo}'s MemTotal and the online CPUs ({@code /sys/devices/system/cpu/online},
 * else the {@code cpuN} lines of {@code /proc/stat}). {@link #detect(Function)} is pure over the
 * files' contents; {@link #detect()} reads the real ones.
 */
final class CapacityProbe {

    static final String CGROUP = "/sys/fs/cgroup";
    /** cgroup v1 writes "no limit" as a huge number (LONG_MAX rounded down to a page); anything this large is none. */
    static final long V1_NO_LIMIT = 1L << 62;

    /**
     * What was found: each amount with the file it came from, 0 and "" when nothing could be read.
     *
     * @param cpuMillis    thousandths of a CPU
     * @param cpuFrom      the file that set it (the smallest of the limits read)
     * @param memoryBytes  bytes
     * @param memoryFrom   the file that set it
     */
    record Detected(long cpuMillis, String cpuFrom, long memoryBytes, String memoryFrom) {
    }

    private CapacityProbe() {
    }

    /** Reads the real files. */
    static Detected detect() {
        return detect(CapacityProbe::read);
    }

    /** @param files a file's contents by absolute path, empty when it does not exist or cannot be read */
    static Detected detect(Function<String, Optional<String>> files) {
        Smallest cpu = new Smallest();
        Smallest memory = new Smallest();
        for (String cgroup : relevantCgroups(files)) {
            // cgroup v2
            file(files, cgroup + "/memory.max").flatMap(CapacityProbe::number).ifPresent(b -> memory.offer(b, cgroup + "/memory.max"));
            file(files, cgroup + "/cpu.max").flatMap(CapacityProbe::cpuMax).ifPresent(m -> cpu.offer(m, cgroup + "/cpu.max"));
            file(files, cgroup + "/cpuset.cpus.effective").flatMap(CapacityProbe::cpuList)
                    .ifPresent(n -> cpu.offer(n * 1000L, cgroup + "/cpuset.cpus.effective"));
        }
        for (String sub : List.of("", "/system.slice")) {
            // cgroup v1 (also the controllers of a hybrid layout, where the v2 tree holds none)
            String mem = CGROUP + "/memory" + sub + "/memory.limit_in_bytes";
            file(files, mem).flatMap(CapacityProbe::number).filter(b -> b < V1_NO_LIMIT)
                    .ifPresent(b -> memory.offer(b, mem));
            String quota = CGROUP + "/cpu" + sub + "/cpu.cfs_quota_us";
            String period = CGROUP + "/cpu" + sub + "/cpu.cfs_period_us";
            Optional<Long> q = file(files, quota).flatMap(CapacityProbe::signedNumber);
            Optional<Long> p = file(files, period).flatMap(CapacityProbe::number);
            if (q.isPresent() && p.isPresent() && q.get() > 0 && p.get() > 0) {
                cpu.offer(millis(q.get(), p.get()), quota);
            }
            String cpuset = CGROUP + "/cpuset" + sub + "/cpuset.effective_cpus";
            file(files, cpuset).flatMap(CapacityProbe::cpuList).ifPresent(n -> cpu.offer(n * 1000L, cpuset));
        }
        file(files, "/proc/meminfo").flatMap(CapacityProbe::memTotal).ifPresent(b -> memory.offer(b, "/proc/meminfo"));
        Optional<Integer> online = file(files, "/sys/devices/system/cpu/online").flatMap(CapacityProbe::cpuList);
        if (online.isPresent()) {
            cpu.offer(online.get() * 1000L, "/sys/devices/system/cpu/online");
        } else {
            file(files, "/proc/stat").flatMap(CapacityProbe::statCpus).ifPresent(n -> cpu.offer(n * 1000L, "/proc/stat"));
        }
        return new Detected(cpu.value, cpu.from, memory.value, memory.from);
    }

    /** The v2 tree's root and its system.slice: at /sys/fs/cgroup (unified) or /sys/fs/cgroup/unified (hybrid). */
    private static List<String> relevantCgroups(Function<String, Optional<String>> files) {
        String root = files.apply(CGROUP + "/cgroup.controllers").isPresent() ? CGROUP
                : files.apply(CGROUP + "/unified/cgroup.controllers").isPresent() ? CGROUP + "/unified" : null;
        return root == null ? List.of() : List.of(root, root + "/system.slice");
    }

    /** The smallest positive amount offered, and where it came from. */
    private static final class Smallest {
        long value;
        String from = "";

        void offer(long amount, String source) {
            if (amount > 0 && (value == 0 || amount < value)) {
                value = amount;
                from = source;
            }
        }
    }

    private static Optional<String> file(Function<String, Optional<String>> files, String path) {
        return files.apply(path).map(String::strip);
    }

    /** A non-negative decimal; "max" (no limit) and anything else are empty. */
    static Optional<Long> number(String s) {
        try {
            long v = Long.parseLong(s.strip());
            return v >= 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> signedNumber(String s) {
        try {
            return Optional.of(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code cpu.max}: "QUOTA PERIOD" in microseconds, or "max PERIOD" (no limit). */
    static Optional<Long> cpuMax(String s) {
        String[] parts = s.strip().split("\\s+");
        if (parts.length != 2) {
            return Optional.empty();
        }
        Optional<Long> quota = number(parts[0]);
        Optional<Long> period = number(parts[1]);
        if (quota.isEmpty() || period.isEmpty() || quota.get() == 0 || period.get() == 0) {
            return Optional.empty();
        }
        return Optional.of(millis(quota.get(), period.get()));
    }

    /** Thousandths of a CPU a quota per period gives, rounded down (what the kernel lets run), at least 1. */
    private static long millis(long quota, long period) {
        return Math.max(1, quota * 1000 / period);
    }

    /** The number of CPUs in a kernel CPU list such as {@code 0-3,8,10-11}; empty for an empty or malformed list. */
    static Optional<Integer> cpuList(String s) {
        String list = s.strip();
        if (list.isEmpty()) {
            return Optional.empty();
        }
        int n = 0;
        try {
            for (String range : list.split(",")) {
                int dash = range.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? range.strip() : range.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1).strip());
                if (from < 0 || to < from) {
                    return Optional.empty();
                }
                n += to - from + 1;
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /** {@code MemTotal:   24683584 kB} of /proc/meminfo, in bytes. */
    static Optional<Long> memTotal(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                Optional<Long> kb = number(parts[0]);
                if (kb.isPresent() && parts.length == 2 && parts[1].equals("kB")) {
                    return Optional.of(kb.get() * 1024);
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The number of {@code cpuN} lines of /proc/stat (one per online CPU; the first, "cpu", is the sum). */
    static Optional<Integer> statCpus(String stat) {
        int n = 0;
        for (String line : stat.split("\n")) {
            if (line.length() > 3 && line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                n++;
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(n);
    }

    private static Optional<String> read(String path) {
        try {
            // These are small kernel files; 64 KiB is far more than any of them holds.
            byte[] bytes;
            try (var in = Files.newInputStream(Path.of(path))) {
                bytes = in.readNBytes(64 << 10);
            }
            return Optional.of(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
