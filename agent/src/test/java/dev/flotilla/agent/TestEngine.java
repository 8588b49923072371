package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.AssignmentChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.registry.LeaderElection;
import dev.flotilla.registry.Registry;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * The test plays the engine: it submits units and writes assignments as the elected leader, with
 * fenced transactions, exactly as the real engine does. It owns its registry client (an etcd one
 * or one of an in-memory cluster) and closes it.
 */
final class TestEngine implements AutoCloseable {
    final Registry registry;
    private final LeaderElection election;
    private final long fence;

    TestEngine(Registry registry) {
        this.registry = registry;
        election = registry.leaderElection("test-engine", Duration.ofSeconds(30));
        AtomicLong gained = new AtomicLong();
        election.start(l -> {
            if (l instanceof LeaderElection.Leadership.Gained g) {
                gained.set(g.fencingRevision());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> gained.get() != 0);
        fence = gained.get();
    }

    /** Creates or replaces the unit; returns its hash. */
    String submit(String name, String text, DesiredState desired) {
        UnitRecord unit = new UnitRecord(name, text, UnitFile.hashOf(text), desired);
        var existing = registry.unit(name);
        if (existing.isEmpty()) {
            if (!registry.createUnit(unit)) {
                throw new IllegalStateException("create " + name);
            }
        } else if (!registry.replaceUnit(unit, existing.get().revision())) {
            throw new IllegalStateException("replace " + name);
        }
        return unit.hash();
    }

    /** Submits and assigns in one go. */
    String place(String machine, String name, String text, DesiredState desired) {
        String hash = submit(name, text, desired);
        assign(machine, name, hash, desired);
        return hash;
    }

    void assign(String machine, String name, String hash, DesiredState desired) {
        apply(List.of(new AssignmentChange.Assign(new Assignment(machine, name, hash, desired))));
    }

    void unassign(String machine, String... names) {
        List<AssignmentChange> changes = new ArrayList<>();
        for (String n : names) {
            changes.add(new AssignmentChange.Unassign(machine, n));
        }
        apply(changes);
    }

    void apply(List<AssignmentChange> changes) {
        if (!registry.applyAssignments(fence, changes)) {
            throw new IllegalStateException("the test engine lost its leadership");
        }
    }

    @Override
    public void close() {
        election.close();
        registry.close();
    }
}
