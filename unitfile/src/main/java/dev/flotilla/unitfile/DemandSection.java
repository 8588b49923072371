package dev.flotilla.unitfile;

import java.util.List;

/**
 * Reads what a unit reserves ({@link Demand}) from its own directives, reporting each bad value
 * at its line. The service's limits are what systemd enforces, so they are what is reserved:
 * memory from {@code [Service] MemoryMax=}, else {@code MemoryHigh=}, else {@code MemoryLimit=}
 * (systemd's old name), CPU from {@code CPUQuota=}. {@code [X-Fleet] MemoryRequest=} and
 * {@code CPURequest=} reserve without a limit and win over them, each for its own resource.
 *
 * <p>As in systemd, the last assignment of a directive wins and an empty one resets it; every
 * value is checked, also one a later line overrides (systemd would log it and ignore it; here it
 * is refused, like every other unit error). {@code infinity} is "no limit", so a
 * {@code MemoryMax=infinity} leaves {@code MemoryHigh=} to say what is reserved. The [Service]
 * directives count only in a {@code .service} unit: systemd ignores a [Service] section elsewhere.
 */
final class DemandSection {

    static final String MEMORY_REQUEST = "MemoryRequest";
    static final String CPU_REQUEST = "CPURequest";

    /** Memory as a size or a share of the machine; null fields of the reader mean "not set". */
    private record Memory(long bytes, int basisPoints) {
        static final Memory NONE = new Memory(0, 0);
    }

    private final List<Problem> problems;
    private Memory memoryMax;
    private Memory memoryHigh;
    private Memory memoryLimit;
    private Memory memoryRequest;
    private Long cpuQuota;
    private Long cpuRequest;

    private DemandSection(List<Problem> problems) {
        this.problems = problems;
    }

    /** Adds problems to {@code problems}; the result is meaningful only if none is an error. */
    static Demand extract(UnitName name, List<UnitOption> options, List<Problem> problems) {
        DemandSection d = new DemandSection(problems);
        boolean service = "service".equals(name.suffix());
        boolean any = false;
        for (UnitOption o : options) {
            if (service && o.section().equals("Service")) {
                any |= d.service(o);
            } else if (o.section().equals(FleetSection.SECTION)) {
                any |= d.fleet(o);
            }
        }
        return any ? d.finish() : Demand.NONE;
    }

    private boolean service(UnitOption o) {
        switch (o.name()) {
            case "MemoryMax" -> memoryMax = limit(o);
            case "MemoryHigh" -> memoryHigh = limit(o);
            case "MemoryLimit" -> {
                memoryLimit = limit(o);
                problems.add(Problem.warning(o.line(), "MemoryLimit is systemd's old name of MemoryMax; it still works"));
            }
            case "CPUQuota" -> cpuQuota = quota(o);
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean fleet(UnitOption o) {
        switch (o.name()) {
            case MEMORY_REQUEST -> memoryRequest = memoryRequest(o);
            case CPU_REQUEST -> cpuRequest = cpuRequest(o);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A memory limit as systemd's {@code config_parse_memory_limit}: null for none (empty, infinity, or refused). */
    private Memory limit(UnitOption o) {
        String v = o.value().strip();
        if (v.isEmpty() || v.equals("infinity")) {
            return null;
        }
        Memory m = memory(o, v);
        if (m != null && m.bytes == 0 && m.basisPoints == 0) {
            refuse(o, "is out of range: a limit of 0 would leave the service no memory (leave it empty, "
                    + "or write infinity, for no limit)");
            return null;
        }
        return m;
    }

    private Memory memoryRequest(UnitOption o) {
        String v = o.value().strip();
        if (v.isEmpty()) {
            return null;
        }
        if (v.equals("infinity")) {
            refuse(o, "is not a size: a request reserves an amount (0 for none), so infinity would fit no machine");
            return null;
        }
        return memory(o, v);
    }

    /** A size or a share of the machine's memory (at most 100%); null (and a problem) when refused. */
    private Memory memory(UnitOption o, String v) {
        try {
            if (ResourceSyntax.isShare(v)) {
                int bp = ResourceSyntax.permyriad(v);
                if (bp > 10_000) {
                    refuse(o, "is more than 100% of the machine's memory");
                    return null;
                }
                return new Memory(0, bp);
            }
            return new Memory(ResourceSyntax.bytes(v), 0);
        } catch (IllegalArgumentException e) {
            refuse(o, e.getMessage());
            return null;
        }
    }

    /** systemd's {@code config_parse_cpu_quota}: a share of one CPU above 0; null for empty (reset) or refused. */
    private Long quota(UnitOption o) {
        String v = o.value().strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            int p = ResourceSyntax.permyriad(v);
            if (p == 0) {
                refuse(o, "is 0: a quota of nothing would never let the service run (leave it empty for no quota)");
                return null;
            }
            return ResourceSyntax.millisOfShare(p);
        } catch (IllegalArgumentException e) {
            refuse(o, e.getMessage() + (v.equals("infinity") ? " (leave it empty for no quota)" : ""));
            return null;
        }
    }

    private Long cpuRequest(UnitOption o) {
        String v = o.value().strip();
        if (v.isEmpty()) {
            return null;
        }
        try {
            return ResourceSyntax.cpuMillis(v);
        } catch (IllegalArgumentException e) {
            refuse(o, e.getMessage());
            return null;
        }
    }

    private void refuse(UnitOption o, String why) {
        problems.add(Problem.error(o.line(), o.name() + " " + Quote.of(o.value()) + " " + why));
    }

    private Demand finish() {
        Memory memory = first(memoryRequest, memoryMax, memoryHigh, memoryLimit);
        Long cpu = cpuRequest != null ? cpuRequest : cpuQuota;
        return new Demand(cpu == null ? 0 : cpu, memory.bytes, memory.basisPoints);
    }

    private static Memory first(Memory... candidates) {
        for (Memory m : candidates) {
            if (m != null) {
                return m;
            }
        }
        return Memory.NONE;
    }
}
