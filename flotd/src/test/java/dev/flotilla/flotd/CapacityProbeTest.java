package dev.flotilla.flotd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The capacity detection over fixture file contents: what each layout (host, container, v1, v2) gives. */
class CapacityProbeTest {

    static final long GIB = 1L << 30;
    static final String MEMINFO = "MemTotal:       16318480 kB\nMemFree:         1204620 kB\nMemAvailable:    9281316 kB\n";
    static final long MEMINFO_BYTES = 16318480L * 1024;

    private static CapacityProbe.Detected detect(Map<String, String> files) {
        return CapacityProbe.detect(p -> Optional.ofNullable(files.get(p)));
    }

    private static Map<String, String> host() {
        Map<String, String> f = new HashMap<>();
        f.put("/proc/meminfo", MEMINFO);
        f.put("/sys/devices/system/cpu/online", "0-7\n");
        return f;
    }

    @Test
    void aHostWithoutCgroupFilesHasWhatProcSays() {
        assertEquals(new CapacityProbe.Detected(8000, "/sys/devices/system/cpu/online", MEMINFO_BYTES, "/proc/meminfo"),
                detect(host()));
    }

    @Test
    void aCgroupV2HostWhoseRootAndSliceHaveNoLimit() {
        Map<String, String> f = host();
        f.put("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        // The root cgroup has no memory.max/cpu.max files; system.slice says "max".
        f.put("/sys/fs/cgroup/system.slice/memory.max", "max\n");
        f.put("/sys/fs/cgroup/system.slice/cpu.max", "max 100000\n");
        f.put("/sys/fs/cgroup/cpuset.cpus.effective", "0-7\n");
        assertEquals(new CapacityProbe.Detected(8000, "/sys/fs/cgroup/cpuset.cpus.effective", MEMINFO_BYTES, "/proc/meminfo"),
                detect(f));
    }

    @Test
    void insideAContainerTheRootCgroupsLimitsWinOverProc() {
        // systemd-nspawn with MemoryMax=2G and CPUQuota=150%: /proc/meminfo still shows the host.
        Map<String, String> f = host();
        f.put("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        f.put("/sys/fs/cgroup/memory.max", "2147483648\n");
        f.put("/sys/fs/cgroup/cpu.max", "150000 100000\n");
        assertEquals(new CapacityProbe.Detected(1500, "/sys/fs/cgroup/cpu.max", 2 * GIB, "/sys/fs/cgroup/memory.max"),
                detect(f));
    }

    @Test
    void aLimitOnSystemSliceCountsTooTheSmallestWins() {
        Map<String, String> f = host();
        f.put("/sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        f.put("/sys/fs/cgroup/memory.max", "8589934592\n");
        f.put("/sys/fs/cgroup/system.slice/memory.max", "4294967296\n");
        f.put("/sys/fs/cgroup/system.slice/cpu.max", "250000 100000\n");
        assertEquals(new CapacityProbe.Detected(2500, "/sys/fs/cgroup/system.slice/cpu.max", 4 * GIB,
                "/sys/fs/cgroup/system.slice/memory.max"), detect(f));
    }

    @Test
    void aHybridLayoutReadsTheV1Controllers() {
        Map<String, String> f = host();
        f.put("/sys/fs/cgroup/unified/cgroup.controllers", "");
        f.put("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"); // v1's "no limit"
        f.put("/sys/fs/cgroup/memory/system.slice/memory.limit_in_bytes", "3221225472\n");
        f.put("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
        f.put("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        f.put("/sys/fs/cgroup/cpu/system.slice/cpu.cfs_quota_us", "300000\n");
        f.put("/sys/fs/cgroup/cpu/system.slice/cpu.cfs_period_us", "100000\n");
        f.put("/sys/fs/cgroup/cpuset/cpuset.effective_cpus", "0-3\n");
        assertEquals(new CapacityProbe.Detected(3000, "/sys/fs/cgroup/cpu/system.slice/cpu.cfs_quota_us", 3 * GIB,
                "/sys/fs/cgroup/memory/system.slice/memory.limit_in_bytes"), detect(f));
    }

    @Test
    void v1sNoLimitIsNeverAnnouncedEvenWithoutMeminfo() {
        Map<String, String> f = new HashMap<>();
        f.put("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertEquals(new CapacityProbe.Detected(0, "", 0, ""), detect(f));
    }

    @Test
    void withoutTheOnlineListTheCpuLinesOfProcStatCount() {
        Map<String, String> f = new HashMap<>();
        f.put("/proc/stat", "cpu  1 2 3\ncpu0 1 2 3\ncpu1 1 2 3\ncpu2 1 2 3\nintr 5\nctxt 9\n");
        assertEquals(3000, detect(f).cpuMillis());
        assertEquals("/proc/stat", detect(f).cpuFrom());
    }

    @Test
    void nothingReadableIsNothingDetected() {
        assertEquals(new CapacityProbe.Detected(0, "", 0, ""), detect(Map.of()));
        assertEquals(new CapacityProbe.Detected(0, "", 0, ""),
                detect(Map.of("/proc/meminfo", "garbage\n", "/sys/devices/system/cpu/online", "x-y\n")));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0          | 1",
            "0-3        | 4",
            "0-3,8,10-11 | 7",
            "5          | 1",
            "''         | -1",
            "3-1        | -1",
            "a          | -1",
    })
    void cpuLists(String list, int count) {
        assertEquals(count < 0 ? Optional.empty() : Optional.of(count), CapacityProbe.cpuList(list));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "max 100000      | -1",
            "100000 100000   | 1000",
            "50000 100000    | 500",
            "1 100000        | 1",
            "150000 100000   | 1500",
            "0 100000        | -1",
            "100000          | -1",
            "x 100000        | -1",
    })
    void cpuMax(String text, long millis) {
        assertEquals(millis < 0 ? Optional.empty() : Optional.of(millis), CapacityProbe.cpuMax(text));
    }

    @Test
    void theRealFilesOfThisHostGiveSomething() {
        // Whatever the machine the test runs on, Linux has /proc/meminfo and online CPUs.
        CapacityProbe.Detected d = CapacityProbe.detect();
        assertTrue(d.cpuMillis() >= 1000, d.toString());
        assertTrue(d.memoryBytes() > 0, d.toString());
    }
}
