package dev.flotilla.flotctl;

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
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Stands in for the engine and the agents, which are built elsewhere, so that blocking commands
 * have something to wait for. Over the real registry: the engine is elected and writes fenced
 * assignments (first machine whose metadata matches, sticky) or a waiting reason; each agent
 * publishes states on its machine's lease (loaded: loaded/inactive/dead, launched:
 * loaded/active/running) for its assignments and the global units that match it. It reacts to
 * watch events, one reconcile at a time.
 */
final class StandInEngineAndAgents implements AutoCloseable {
    private final Registry registry;
    private final List<MachinePresence> machines = new ArrayList<>();
    private final LeaderElection election;
    private final long fence;
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "simulated-cluster");
        t.setDaemon(true);
        return t;
    });
    private final List<Subscription> watches = new ArrayList<>();
    /** Units the agents never get past "activating". */
    private final Set<String> stuck = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    StandInEngineAndAgents(Registry registry, List<Machine> members) {
        this.registry = registry;
        for (Machine m : members) {
            machines.add(registry.register(m, Duration.ofSeconds(30), "session-" + m.id(), Duration.ZERO));
        }
        List<Long> gained = new CopyOnWriteArrayList<>();
        election = registry.leaderElection("engine", Duration.ofSeconds(30));
        election.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                gained.add(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> !gained.isEmpty());
        fence = gained.get(0);
        watches.add(registry.watchUnits(e -> loop.execute(this::reconcile)));
        watches.add(registry.watchAssignments(e -> loop.execute(this::reconcile)));
    }

    void stick(String unit) {
        stuck.add(unit);
    }

    /** The unit fails on its machine whenever it is started (the agents answer failed). */
    void failOnStart(String unit) {
        failing.add(unit);
    }

    /** Anything a reconcile threw, so a test can tell a broken simulation from a broken command. */
    List<Throwable> failures() {
        return failures;
    }

    private void reconcile() {
        try {
            engine();
            agents();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    private static UnitFile parse(UnitRecord u) {
        try {
            return UnitFile.parse(u.name(), u.text());
        } catch (UnitFileException e) {
            return null;
        }
    }

    private void engine() {
        Map<String, UnitRecord> units = new HashMap<>();
        for (UnitRecord u : registry.units().value()) {
            units.put(u.name(), u);
        }
        Map<String, Assignment> current = new HashMap<>();
        List<AssignmentChange> changes = new ArrayList<>();
        for (Assignment a : registry.assignments().value()) {
            UnitRecord u = units.get(a.unit());
            if (u == null || u.desired() == DesiredState.INACTIVE) {
                changes.add(new AssignmentChange.Unassign(a.machineId(), a.unit()));
            } else {
                current.put(a.unit(), a);
            }
        }
        Map<String, String> waiting = registry.waiting().value();
        for (UnitRecord u : units.values()) {
            UnitFile file = parse(u);
            if (u.desired() == DesiredState.INACTIVE || file == null || file.fleet().global()
                    || UnitName.parse(u.name()).isTemplate()) {
                if (waiting.containsKey(u.name())) {
                    changes.add(new AssignmentChange.NotWaiting(u.name()));
                }
                continue;
            }
            Assignment existing = current.get(u.name());
            String machine = existing != null ? existing.machineId() : null;
            if (machine == null) {
                for (MachinePresence p : machines) {
                    if (file.fleet().metadata().matches(p.machine().metadata())) {
                        machine = p.machine().id();
                        break;
                    }
                }
            }
            if (machine == null) {
                String reason = "no machine matches its MachineMetadata";
                if (!reason.equals(waiting.get(u.name()))) {
                    changes.add(new AssignmentChange.Waiting(u.name(), reason));
                }
                continue;
            }
            Assignment wanted = new Assignment(machine, u.name(), u.hash(), u.desired());
            if (!wanted.equals(existing)) {
                changes.add(new AssignmentChange.Assign(wanted));
            }
            if (waiting.containsKey(u.name())) {
                changes.add(new AssignmentChange.NotWaiting(u.name()));
            }
        }
        if (!changes.isEmpty()) {
            registry.applyAssignments(fence, changes);
        }
    }

    private void agents() {
        List<UnitRecord> globals = new ArrayList<>();
        for (UnitRecord u : registry.globalUnits().value()) {
            if (u.desired() != DesiredState.INACTIVE) {
                globals.add(u);
            }
        }
        var listed = registry.assignments();
        List<Assignment> assignments = listed.value();
        // The start marker: a state that changes answers with the listing's revision (at or after every
        // assignment in it); one that stays keeps its answer, as a real agent's does.
        long answers = listed.revision();
        for (MachinePresence p : machines) {
            String id = p.machine().id();
            Map<String, UnitState> wanted = new HashMap<>();
            for (Assignment a : assignments) {
                if (a.machineId().equals(id)) {
                    wanted.put(a.unit(), state(id, a.unit(), a.hash(), a.desired()));
                }
            }
            for (UnitRecord g : globals) {
                UnitFile file = parse(g);
                if (file != null && file.fleet().metadata().matches(p.machine().metadata())) {
                    wanted.put(g.name(), state(id, g.name(), g.hash(), g.desired()));
                }
            }
            List<UnitState> publish = new ArrayList<>();
            Set<String> remove = new HashSet<>();
            Map<String, UnitState> have = new HashMap<>();
            for (UnitState s : registry.unitStates(id).value()) {
                have.put(s.unit(), s);
                if (!wanted.containsKey(s.unit())) {
                    remove.add(s.unit());
                }
            }
            for (UnitState s : wanted.values()) {
                UnitState before = have.get(s.unit());
                if (!Objects.equals(before == null ? null : withAnswers(before, 0), s)) {
                    publish.add(withAnswers(s, answers));
                }
            }
            if (!publish.isEmpty()) {
                registry.publishStates(p, publish);
            }
            if (!remove.isEmpty()) {
                registry.removeStates(p, new ArrayList<>(remove));
            }
        }
    }

    private static UnitState withAnswers(UnitState s, long answers) {
        return new UnitState(s.machineId(), s.unit(), s.hash(), s.loadState(), s.activeState(), s.subState(), answers,
                s.restarts(), s.sinceMicros());
    }

    private UnitState state(String machine, String unit, String hash, DesiredState desired) {
        if (desired == DesiredState.LOADED) {
            return new UnitState(machine, unit, hash, "loaded", "inactive", "dead");
        }
        if (stuck.contains(unit)) {
            return new UnitState(machine, unit, hash, "loaded", "activating", "start");
        }
        if (failing.contains(unit)) {
            return new UnitState(machine, unit, hash, "loaded", "failed", "failed");
        }
        return new UnitState(machine, unit, hash, "loaded", "active", "running");
    }

    @Override
    public void close() {
        watches.forEach(Subscription::close);
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        election.close();
        machines.forEach(MachinePresence::close);
    }
}
