package dev.flotilla.testvms.soak;

import dev.flotilla.testvms.Cluster;
import dev.flotilla.testvms.ClusterConfig;
import dev.flotilla.testvms.ClusterExtension;
import dev.flotilla.testvms.ClusterException;
import dev.flotilla.testvms.CommandResult;
import dev.flotilla.testvms.UnitsInCluster;
import dev.flotilla.testvms.soak.SoakModel.Desired;
import dev.flotilla.testvms.soak.SoakModel.Kind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chaos soak: 4 machines, a 3-member etcd, ~100 units of every kind, a random fault every
 * 15-30 s (seeded), API changes during each, and after each, once settled, the invariants read
 * from every machine's own systemd ({@link SoakModel#violations}). {@code test-vms/soak} runs it
 * for as long as asked; {@code make test} runs a short one with a fixed seed.
 *
 * <p>Settings (system properties): {@code soak.minutes} (default 4), {@code soak.seed} (1),
 * {@code soak.maxOutageSeconds} (longest etcd outage, default 30; the script's default is 300).
 */
@Tag("functional")
@ExtendWith(ClusterExtension.class)
@ClusterConfig(machines = 4, ttlSeconds = 3, etcdMembers = 3)
class SoakTest {
    /** Bound on settling after a fault; beyond it, whatever still breaks a rule is a violation. */
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final String PLAIN = """
            [Unit]
            Description=Soak worker %i: reads its queue and writes the ledger (plain)
            After=network-online.target

            [Service]
            Environment=WORKER_ID=%i
            Environment=QUEUE_URL=amqp://queue.internal:5672/soak
            Environment=LOG_LEVEL=info
            ExecStartPre=/bin/sh -c 'test -d /run || exit 1'
            ExecStart=/bin/sh -c 'exec sleep infinity # --worker=%i --queue=$QUEUE_URL'
            Restart=on-failure
            RestartSec=2
            TimeoutStopSec=10
            """;

    private enum Fault {
        KILL, STOP, FREEZE, LEADER_KILL, ETCD_OUTAGE, ETCD_RESTART, ETCD_LEADER_KILL;

        String label() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    private Cluster cluster;
    private UnitsInCluster units;
    private Random random;
    private final SoakModel model = new SoakModel();
    /** Changes not acknowledged yet (tried again after the fault): unit name to wanted state. */
    private final Map<String, Desired> pending = new TreeMap<>();
    /** Settle times by what settled: a fault's label, "(down)" for the check while its machine is down. */
    private final Map<String, List<Long>> settleMs = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int nextExtra = 1000;
    private long lastAck;
    /** Units the API changed during the current fault (their processes change on purpose). */
    private final Set<String> changed = new TreeSet<>();

    @Test
    void faultsNeverBreakAnInvariant(Cluster cluster) throws Exception {
        this.cluster = cluster;
        this.units = new UnitsInCluster(cluster);
        long minutes = Long.getLong("soak.minutes", 4);
        long seed = Long.getLong("soak.seed", 1);
        int maxOutage = Integer.getInteger("soak.maxOutageSeconds", 30);
        random = new Random(seed);
        System.out.printf("soak: %d min, seed %d, etcd outages up to %d s, 4 machines, 3 etcd members%n", minutes, seed, maxOutage);
        submitEverything();
        check("start", null, null);

        long deadline = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
        int faults = 0;
        while (System.nanoTime() < deadline) {
            long cycleStart = System.nanoTime();
            Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
            faults++;
            inject(faults, fault, maxOutage);
            long cycle = Duration.ofSeconds(15 + random.nextInt(16)).toNanos();
            long rest = cycle - (System.nanoTime() - cycleStart);
            if (rest > 0 && System.nanoTime() + rest < deadline) {
                Thread.sleep(rest / 1_000_000); // pacing of the fault schedule, not synchronisation
            }
        }
        long worst = settleMs.values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
        System.out.printf("soak summary: %d faults, %d violations, worst settle %.1f s (load %s)%n",
                faults, violations.size(), worst / 1000.0, UnitsInCluster.loadAverage());
        settleMs.forEach((kind, ms) -> {
            List<Long> sorted = ms.stream().sorted().toList();
            System.out.printf("  %-24s %3d checks, settle median %.1f s, worst %.1f s%n", kind, sorted.size(),
                    sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() - 1) / 1000.0);
        });
        assertEquals(List.of(), violations, "journals of every machine: flotilla-cluster-logs/ beside the cluster's state folder");
    }

    // ---- the units

    private void submitEverything() {
        String via = "m1";
        units.write(via, "/root/plain@.service", PLAIN);
        units.write(via, "/root/web@.service", unit("web %i", "[X-Fleet]\nConflicts=web@*.service"));
        units.write(via, "/root/db@.service", unit("db %i", ""));
        units.write(via, "/root/backup@.service", unit("backup of db %i", "[X-Fleet]\nMachineOf=db@%i.service"));
        units.write(via, "/root/zoned@.service", unit("zoned %i", "[X-Fleet]\nMachineMetadata=az=a"));
        units.write(via, "/root/everywhere.service", unit("on every machine", "[X-Fleet]\nGlobal=true"));
        units.write(via, "/root/agent-a.service", unit("on every machine of az a", "[X-Fleet]\nGlobal=true\nMachineMetadata=az=a"));
        cluster.flotctl(via, "submit", "/root/plain@.service", "/root/web@.service", "/root/db@.service",
                "/root/backup@.service", "/root/zoned@.service").requireOk("submit templates");
        List<String> names = new ArrayList<>();
        IntStream.rangeClosed(1, 60).forEach(i -> add(names, "plain@" + i + ".service", Kind.PLAIN, null, Map.of()));
        IntStream.rangeClosed(1, 3).forEach(i -> add(names, "web@" + i + ".service", Kind.CONFLICTING, "web@", Map.of()));
        IntStream.rangeClosed(1, 6).forEach(i -> add(names, "db@" + i + ".service", Kind.PLAIN, null, Map.of()));
        IntStream.rangeClosed(1, 6).forEach(i -> add(names, "backup@" + i + ".service", Kind.PAIRED, "db@" + i + ".service", Map.of()));
        IntStream.rangeClosed(1, 8).forEach(i -> add(names, "zoned@" + i + ".service", Kind.ZONED, null, Map.of("az", "a")));
        List<String> args = new ArrayList<>(List.of("start", "--block-attempts=60"));
        args.addAll(names);
        cluster.flotctl(via, args.toArray(String[]::new)).requireOk("start " + names.size() + " units");
        cluster.flotctl(via, "start", "/root/everywhere.service", "/root/agent-a.service").requireOk("start globals");
        model.add(new SoakModel.Unit("everywhere.service", Kind.GLOBAL, null, Map.of()), Desired.LAUNCHED);
        model.add(new SoakModel.Unit("agent-a.service", Kind.GLOBAL, null, Map.of("az", "a")), Desired.LAUNCHED);
    }

    private void add(List<String> names, String name, Kind kind, String peer, Map<String, String> metadata) {
        names.add(name);
        model.add(new SoakModel.Unit(name, kind, peer, metadata), Desired.LAUNCHED);
    }

    private static String unit(String description, String extra) {
        return UnitsInCluster.unit(description, "ExecStart=/bin/sleep infinity", extra);
    }

    // ---- faults

    private void inject(int n, Fault fault, int maxOutage) {
        List<String> machines = cluster.machines();
        String leader = cluster.leader();
        String victim = switch (fault) {
            case LEADER_KILL -> leader == null ? machines.get(random.nextInt(machines.size())) : leader;
            case KILL, STOP, FREEZE -> machines.stream().filter(m -> !m.equals(leader)).toList()
                    .get(random.nextInt(machines.size() - (leader == null ? 0 : 1)));
            default -> null;
        };
        String via = machines.stream().filter(m -> !m.equals(victim)).findFirst().orElseThrow();
        Map<String, List<String>> before = fault.name().startsWith("ETCD") ? placementWithPids() : null;
        changed.clear();
        String detail = "";
        long faultEnd;
        switch (fault) {
            case KILL, LEADER_KILL, STOP -> {
                if (fault == Fault.STOP) {
                    cluster.stop(victim);
                } else {
                    cluster.kill(victim);
                }
                changes(via);
                check(n + " " + fault.label() + " " + victim + " (down)", fault.label() + " (down)", System.nanoTime());
                cluster.start(victim);
                faultEnd = System.nanoTime();
                detail = victim;
            }
            case FREEZE -> {
                int seconds = 2 + random.nextInt(7);
                cluster.freeze(victim);
                changes(via);
                pause(Duration.ofSeconds(seconds));
                cluster.thaw(victim);
                faultEnd = System.nanoTime();
                detail = victim + " " + seconds + " s";
            }
            case ETCD_OUTAGE -> {
                int seconds = 5 + random.nextInt(Math.max(1, maxOutage - 4));
                cluster.etcdStop();
                changes(via); // refused while etcd is away: tried again after
                pause(Duration.ofSeconds(seconds));
                cluster.etcdStart();
                faultEnd = System.nanoTime();
                detail = seconds + " s";
            }
            case ETCD_RESTART -> {
                cluster.etcdRestart();
                changes(via);
                faultEnd = System.nanoTime();
            }
            case ETCD_LEADER_KILL -> {
                Integer member = cluster.etcdLeader();
                int k = member == null ? 1 : member;
                cluster.etcdKill(k);
                changes(via);
                cluster.etcdStart(k);
                faultEnd = System.nanoTime();
                detail = "member " + k;
            }
            default -> throw new IllegalStateException(fault.name());
        }
        retryPending(via);
        // Settling counts from the fault's end, or from the last change acknowledged after it.
        check(n + " " + fault.label() + (detail.isEmpty() ? "" : " " + detail), fault.label(), lastAck - faultEnd > 0 ? lastAck : faultEnd);
        if (before != null) {
            // etcd's trouble is never the machines': nothing moves, nothing restarts.
            Map<String, List<String>> after = placementWithPids();
            List<String> moved = before.keySet().stream()
                    .filter(u -> !changed.contains(u) && !before.get(u).equals(after.get(u))).toList();
            if (!moved.isEmpty()) {
                record(n + " " + fault.label(), moved.size() + " units moved or restarted on etcd's trouble: " + moved);
            }
        }
    }

    /** The API changes made during a fault: a new unit, a stop, a destroy, a start of a stopped one. */
    private void changes(String via) {
        String added = "plain@" + nextExtra++ + ".service";
        model.add(new SoakModel.Unit(added, Kind.PLAIN, null, Map.of()), Desired.DESTROYED); // not acknowledged yet
        change(via, added, Desired.LAUNCHED);
        List<String> launched = model.named(Kind.PLAIN, Desired.LAUNCHED).stream().filter(u -> u.startsWith("plain@")).toList();
        if (launched.size() > 40) {
            change(via, launched.get(random.nextInt(launched.size())), Desired.LOADED);
            change(via, launched.get(random.nextInt(launched.size())), Desired.DESTROYED);
        }
        List<String> loaded = model.named(Kind.PLAIN, Desired.LOADED);
        if (!loaded.isEmpty()) {
            change(via, loaded.get(random.nextInt(loaded.size())), Desired.LAUNCHED);
        }
    }

    private void change(String via, String unit, Desired wanted) {
        if (pending.containsKey(unit) || model.desired(unit) == Desired.DESTROYED && wanted != Desired.LAUNCHED) {
            return;
        }
        if (!apply(via, unit, wanted)) {
            pending.put(unit, wanted);
        }
    }

    /** One change through flotctl (no waiting for the machines); true once the API acknowledged it. */
    private boolean apply(String via, String unit, Desired wanted) {
        String[] args = switch (wanted) {
            case LAUNCHED -> new String[]{"start", "--no-block", unit};
            case LOADED -> new String[]{"stop", "--no-block", unit};
            case DESTROYED -> new String[]{"destroy", "--no-block", unit};
        };
        CommandResult r;
        try {
            r = cluster.exec(Duration.ofSeconds(30), via, withFlotctl(args));
        } catch (ClusterException e) {
            return false;
        }
        changed.add(unit);
        if (r.ok()) {
            model.set(unit, wanted);
            lastAck = System.nanoTime();
        }
        return r.ok();
    }

    private static String[] withFlotctl(String[] args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = Cluster.FLOTCTL;
        cmd[1] = "--request-timeout=10";
        System.arraycopy(args, 0, cmd, 2, args.length);
        return cmd;
    }

    private void retryPending(String via) {
        long until = System.nanoTime() + SETTLE.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < until) {
            pending.entrySet().removeIf(e -> apply(via, e.getKey(), e.getValue()));
        }
        pending.forEach((u, d) -> record("api", "a change of " + u + " to " + d + " was never acknowledged"));
        pending.clear();
    }

    // ---- checks

    /**
     * Waits (bounded) until no rule is broken; records the settle time and whatever still breaks a
     * rule at the bound.
     */
    private void check(String what, String kind, Long since) {
        long start = since == null ? System.nanoTime() : since;
        List<String> last = List.of();
        long until = System.nanoTime() + SETTLE.toNanos();
        do {
            try {
                last = model.violations(activePerMachine(), metadataPerMachine(), listed());
            } catch (ClusterException e) {
                last = List.of("cannot read the cluster: " + e.getMessage());
            }
            if (last.isEmpty()) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (kind != null) {
                    settleMs.computeIfAbsent(kind, f -> new ArrayList<>()).add(ms);
                }
                System.out.printf("check %-40s settled in %5.1f s, 0 violations (load %s)%n", what, ms / 1000.0, UnitsInCluster.loadAverage());
                return;
            }
        } while (System.nanoTime() < until);
        for (String v : last) {
            record(what, v);
        }
        System.out.printf("check %-40s NOT settled within %d s: %d violations%n", what, SETTLE.toSeconds(), last.size());
    }

    private void record(String what, String violation) {
        violations.add(what + ": " + violation);
        System.out.println("VIOLATION " + what + ": " + violation);
    }

    private List<String> live() {
        return cluster.machines().stream().filter(m -> cluster.state(m).equals("running")).toList();
    }

    private Map<String, Set<String>> activePerMachine() {
        Set<String> ours = model.names();
        Map<String, Set<String>> active = new TreeMap<>();
        for (String m : live()) {
            Set<String> here = new TreeSet<>(units.activeInSystemd(m));
            here.retainAll(ours);
            active.put(m, here);
        }
        return active;
    }

    /** The test cluster's metadata: machine=mK, az a/b/c by K (1 a, 2 b, 3 c, 4 a). */
    private Map<String, Map<String, String>> metadataPerMachine() {
        Map<String, Map<String, String>> md = new TreeMap<>();
        for (String m : live()) {
            int k = Integer.parseInt(m.substring(1));
            md.put(m, Map.of("machine", m, "az", String.valueOf((char) ('a' + (k - 1) % 3))));
        }
        return md;
    }

    private Set<String> listed() {
        String via = live().get(0);
        CommandResult r = cluster.exec(Duration.ofSeconds(30), via, Cluster.FLOTCTL, "list-unit-files", "--no-legend", "--fields=unit");
        r.requireOk("list-unit-files");
        return new TreeSet<>(r.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    /** Unit to its "machine:MainPID" entries, for the soak's running units. */
    private Map<String, List<String>> placementWithPids() {
        return units.activeWithPids(model.names());
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // the fault's length, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
