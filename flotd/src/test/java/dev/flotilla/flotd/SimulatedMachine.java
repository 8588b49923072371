package dev.flotilla.flotd;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.DesiredState;
import dev.flotilla.model.Machine;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.MachinePresence;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A machine whose agent is simulated, for daemons run with {@code systemd=off} (they place units
 * but run none): registered on its own lease in the real etcd, it publishes for each unit the
 * engine assigns to it loaded/active/running when launched (loaded/inactive/dead when loaded), or
 * loaded/failed/failed for a unit whose name starts with {@code fail}, and removes the states of
 * units taken from it. It reacts to its assignments' watch, one pass at a time.
 */
final class SimulatedMachine implements AutoCloseable {
    private final Registry registry;
    private final MachinePresence presence;
    private final Subscription watch;
    /** What was published for each unit (its hash and desired state): only changes are written. */
    private final Map<String, String> published = new HashMap<>();
    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "simulated-machine");
        t.setDaemon(true);
        return t;
    });

    SimulatedMachine(Registry registry, String id, String ip, Map<String, String> metadata) {
        this.registry = registry;
        presence = registry.register(new Machine(id, ip, metadata, ""), Duration.ofSeconds(30), "sim-" + id, Duration.ZERO);
        watch = registry.watchAssignments(id, e -> pass());
        pass();
    }

    String id() {
        return presence.machine().id();
    }

    private void pass() {
        try {
            loop.execute(this::reconcile);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void reconcile() {
        List<UnitState> states = new ArrayList<>();
        Map<String, String> now = new HashMap<>();
        for (Assignment a : registry.assignments().value()) {
            if (!a.machineId().equals(id())) {
                continue;
            }
            String what = a.hash() + " " + a.desired();
            now.put(a.unit(), what);
            if (what.equals(published.get(a.unit()))) {
                continue;
            }
            boolean launched = a.desired() == DesiredState.LAUNCHED;
            boolean fails = a.unit().startsWith("fail");
            states.add(new UnitState(id(), a.unit(), a.hash(), "loaded",
                    fails ? "failed" : launched ? "active" : "inactive", fails ? "failed" : launched ? "running" : "dead"));
        }
        if (!states.isEmpty()) {
            registry.publishStates(presence, states);
        }
        List<String> gone = published.keySet().stream().filter(u -> !now.containsKey(u)).toList();
        if (!gone.isEmpty()) {
            registry.removeStates(presence, gone);
        }
        published.clear();
        published.putAll(now);
    }

    /** The machine leaves at once (its lease is revoked), as a cleanly stopped daemon's does. */
    @Override
    public void close() {
        watch.close();
        loop.shutdownNow();
        presence.close();
    }
}
