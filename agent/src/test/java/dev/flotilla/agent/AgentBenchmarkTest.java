package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.EtcdConfig;
import dev.flotilla.registry.EtcdFixture;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.WatchEvent;
import dev.flotilla.systemd.RealSystemd;
import dev.flotilla.systemd.Systemd;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * Figures, no assertions (the machine is shared; timing is not a test): inside the flt-agent
 * machine, with real systemd and a real etcd.
 * <ul>
 * <li>From the engine's write of N assignments (spread over 3 agents, like 3 machines; here all three
 *     drive the one systemd of this machine) until the registry shows all N active. fleet 1.0 took
 *     4.0-5.5 s for 100 and 7.0-11.5 s for 300 units on 3 machines, from {@code fleetctl start}.</li>
 * <li>The CPU the agent uses while 500 idle units run on its machine, over 30 s.</li>
 * </ul>
 * Printed with the prefix "FIGURE".
 */
@RealSystemd
class AgentBenchmarkTest {
    @RegisterExtension
    static final EtcdFixture etcd = new EtcdFixture();

    static final String TEXT = "[Service]\nExecStart=/bin/sleep infinity\n";
    static final Duration LONG = Duration.ofMinutes(3);

    private EtcdConfig config;
    private TestEngine engine;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** Unit name to its last published state, all machines. */
    private final Map<String, UnitState> states = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong target = new AtomicLong(-1);
    private final AtomicLong reachedAt = new AtomicLong();

    @BeforeEach
    void setUp() {
        config = etcd.newConfig();
        engine = new TestEngine(Registry.connect(config));
        Subscription watch = engine.registry.watchStates(this::onState);
        toClose.add(watch);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        engine.close();
    }

    /** Counts active units exactly when the watch delivers them, so the end time is not a poll's. */
    private synchronized void onState(WatchEvent<UnitState> e) {
        if (e instanceof WatchEvent.Snapshot<UnitState> s) {
            states.clear();
            s.items().values().forEach(u -> states.put(u.unit(), u));
        } else if (e instanceof WatchEvent.Updated<UnitState> u) {
            states.put(u.value().unit(), u.value());
        } else if (e instanceof WatchEvent.Removed<UnitState> r) {
            states.remove(r.key().substring(r.key().indexOf('/') + 1));
        }
        int n = (int) states.values().stream().filter(s -> s.activeState().equals("active")).count();
        active.set(n);
        if (n == target.get() && reachedAt.get() == 0) {
            reachedAt.set(System.nanoTime());
        }
    }

    private DefaultAgent agent(int i) {
        String id = String.format("%032x", 0xbe00 + i);
        Systemd sd = Systemd.connect(RealSystemd.OPTIONS);
        toClose.add(sd);
        Registry r = Registry.connect(config);
        toClose.add(r);
        DefaultAgent a = (DefaultAgent) Agent.create(AgentConfig.of(new Machine(id, "127.0.0.70", Map.of(), "bench"),
                Duration.ofSeconds(5), "bench-" + i, Path.of("/run/flotilla/bench-" + i)), r, sd);
        toClose.add(a);
        a.start();
        return a;
    }

    /** Submits the units (not timed), then times the engine's write until all are active in the registry. */
    private double startAll(List<DefaultAgent> agents, String prefix, int n) {
        List<AssignmentChange> assign = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String name = prefix + k + ".service";
            engine.registry.createUnit(new UnitRecord(name, TEXT, UnitFile.hashOf(TEXT), DesiredState.LAUNCHED));
            assign.add(new AssignmentChange.Assign(new Assignment(agents.get(k % agents.size()).machine().id(), name,
                    UnitFile.hashOf(TEXT), DesiredState.LAUNCHED)));
        }
        reachedAt.set(0);
        target.set(n);
        long t0 = System.nanoTime();
        engine.apply(assign);
        await().atMost(LONG).until(() -> reachedAt.get() != 0);
        return (reachedAt.get() - t0) / 1e9;
    }

    /** Unassigns every unit (timed until all states are gone) and deletes them. */
    private double stopAll(List<DefaultAgent> agents, String prefix, int n) {
        List<AssignmentChange> unassign = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            unassign.add(new AssignmentChange.Unassign(agents.get(k % agents.size()).machine().id(), prefix + k + ".service"));
        }
        target.set(-1);
        long t0 = System.nanoTime();
        engine.apply(unassign);
        await().atMost(LONG).until(states::isEmpty);
        double s = (System.nanoTime() - t0) / 1e9;
        for (int k = 0; k < n; k++) {
            engine.registry.deleteUnit(prefix + k + ".service");
        }
        return s;
    }

    @Test
    void startOf100And300UnitsOn3Agents() {
        List<DefaultAgent> agents = List.of(agent(0), agent(1), agent(2));
        int run = 0;
        for (int n : new int[]{100, 100, 300, 300}) {
            String prefix = "flt-bench" + (run++) + "-";
            double start = startAll(agents, prefix, n);
            double stop = stopAll(agents, prefix, n);
            System.out.printf("FIGURE %d units on 3 agents (one systemd): assignments written -> all active in the registry "
                    + "%.2f s; unassigned -> all stopped and their states gone %.2f s%n", n, start, stop);
        }
    }

    @Test
    void cpuOfTheAgentWhile500IdleUnitsRun() throws Exception {
        DefaultAgent agent = agent(9);
        double start = startAll(List.of(agent), "flt-idle-", 500);
        System.out.printf("FIGURE 500 units on 1 agent: assignments written -> all active in the registry %.2f s%n", start);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> before = new HashMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null) {
                names.put(t.getThreadId(), t.getThreadName());
                before.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        long writesBefore = agentWrites(agent);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(30_000); // the measurement window itself, not a wait for anything
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long writes = agentWrites(agent) - writesBefore;
        Map<String, Long> byGroup = new TreeMap<>();
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            long now = threads.getThreadCpuTime(e.getKey());
            if (now >= 0 && e.getValue() >= 0) {
                byGroup.merge(group(names.get(e.getKey())), now - e.getValue(), Long::sum);
            }
        }
        long agentThreads = byGroup.getOrDefault("flotilla", 0L);
        System.out.printf("FIGURE idle agent with 500 running units, over %.0f s: whole JVM %.2f%% of one core (%.0f ms CPU), "
                        + "flotilla-* threads %.3f%% (%.1f ms), state writes %d%n", wall / 1e9, 100.0 * cpu / wall, cpu / 1e6,
                100.0 * agentThreads / wall, agentThreads / 1e6, writes);
        System.out.println("FIGURE idle CPU by thread group (ms): " + toMillis(byGroup));

        long c0 = System.nanoTime();
        agent.close();
        System.out.printf("FIGURE clean shutdown of the agent with 500 running units (stop all, unload, deregister): %.2f s%n",
                (System.nanoTime() - c0) / 1e9);
        for (int k = 0; k < 500; k++) {
            engine.registry.deleteUnit("flt-idle-" + k + ".service");
        }
    }

    private static long agentWrites(DefaultAgent agent) {
        return agent.stateWrites();
    }

    private static String group(String thread) {
        if (thread == null) {
            return "?";
        }
        if (thread.startsWith("flotilla-") || thread.startsWith("fake-")) {
            return "flotilla";
        }
        if (thread.startsWith("grpc") || thread.contains("etcd") || thread.contains("vert.x") || thread.contains("netty")) {
            return "etcd-client";
        }
        if (thread.toLowerCase().contains("dbus")) {
            return "dbus";
        }
        return "other (JVM, test)";
    }

    private static Map<String, Long> toMillis(Map<String, Long> nanos) {
        Map<String, Long> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1_000_000));
        return out;
    }
}
