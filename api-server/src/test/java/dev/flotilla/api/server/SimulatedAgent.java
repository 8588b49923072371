package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.model.Machine;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.model.UnitState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;

/**
 * Stands in for the engine and the agent of one machine (both live in other modules), so that
 * fleetctl's blocking request sequences have something to wait for. Over the real registry: the
 * engine is elected and assigns every non-inactive unit to the machine (fenced), unassigning
 * inactive or deleted ones; the agent publishes, on the machine's lease, loaded/inactive/dead for
 * a loaded assignment and loaded/active/running for a launched one, with the assignment's hash,
 * and removes the states of units no longer assigned. It reacts to watch events, one pass at a
 * time. {@link #holdAgent()} keeps the agent from acting (the engine still does) until
 * {@link #releaseAgent()}: the moment after a request when the machine has not acted yet.
 */
final class SimulatedAgent implements AutoCloseable {
    private final Registry registry;
    private final MachinePresence machine;
    private final LeaderElection election;
    private final long fence;
    private final AtomicBoolean agentHeld = new AtomicBoolean();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "simulated-agent");
        t.setDaemon(true);
        return t;
    });
    private final List<Subscription> watches = new ArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    SimulatedAgent(Registry registry, String machineId) {
        this.registry = registry;
        machine = registry.register(new Machine(machineId, "127.0.0.10", Map.of(), "test"), Duration.ofSeconds(30),
                "s-" + machineId, Duration.ZERO);
        List<Long> gained = new CopyOnWriteArrayList<>();
        election = registry.leaderElection("engine", Duration.ofSeconds(30));
        election.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                gained.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !gained.isEmpty());
        fence = gained.get(0);
        watches.add(registry.watchUnits(e -> pass()));
        watches.add(registry.watchAssignments(e -> pass()));
    }

    void holdAgent() {
        agentHeld.set(true);
    }

    void releaseAgent() {
        agentHeld.set(false);
        pass();
    }

    private void pass() {
        try {
            loop.execute(this::reconcile);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** Anything a pass threw, so a test can tell a broken simulation from a broken API. */
    List<Throwable> failures() {
        return failures;
    }

    private void reconcile() {
        try {
            engine();
            if (!agentHeld.get()) {
                agent();
            }
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private void engine() {
        String id = machine.machine().id();
        Map<String, Assignment> current = new HashMap<>();
        for (Assignment a : registry.assignments().value()) {
            current.put(a.unit(), a);
        }
        List<AssignmentChange> unassign = new ArrayList<>();
        List<AssignmentChange> assign = new ArrayList<>();
        Map<String, UnitRecord> units = new HashMap<>();
        for (UnitRecord u : registry.units().value()) {
            units.put(u.name(), u);
        }
        for (Assignment a : current.values()) {
            UnitRecord u = units.get(a.unit());
            if (u == null || u.desired() == DesiredState.INACTIVE) {
                unassign.add(new AssignmentChange.Unassign(a.machineId(), a.unit()));
            }
        }
        for (UnitRecord u : units.values()) {
            if (u.desired() == DesiredState.INACTIVE) {
                continue;
            }
            Assignment wanted = new Assignment(id, u.name(), u.hash(), u.desired());
            if (!wanted.equals(current.get(u.name()))) {
                assign.add(new AssignmentChange.Assign(wanted));
            }
        }
        List<AssignmentChange> changes = new ArrayList<>(unassign);
        changes.addAll(assign);
        if (!changes.isEmpty()) {
            registry.applyAssignments(fence, changes);
        }
    }

    private void agent() {
        String id = machine.machine().id();
        Map<String, UnitState> wanted = new HashMap<>();
        for (Assignment a : registry.assignments().value()) {
            if (a.machineId().equals(id)) {
                boolean launched = a.desired() == DesiredState.LAUNCHED;
                wanted.put(a.unit(), new UnitState(id, a.unit(), a.hash(), "loaded", launched ? "active" : "inactive",
                        launched ? "running" : "dead"));
            }
        }
        List<UnitState> publish = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Map<String, UnitState> have = new HashMap<>();
        for (UnitState s : registry.unitStates(id).value()) {
            have.put(s.unit(), s);
            if (!wanted.containsKey(s.unit())) {
                remove.add(s.unit());
            }
        }
        for (UnitState s : wanted.values()) {
            if (!Objects.equals(have.get(s.unit()), s)) {
                publish.add(s);
            }
        }
        if (!publish.isEmpty()) {
            registry.publishStates(machine, publish);
        }
        if (!remove.isEmpty()) {
            registry.removeStates(machine, remove);
        }
    }

    @Override
    public void close() {
        for (Subscription w : watches) {
            w.close();
        }
        // Let a pass under way finish rather than interrupt it mid-request.
        loop.shutdown();
        try {
            loop.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        election.close();
        try {
            machine.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
