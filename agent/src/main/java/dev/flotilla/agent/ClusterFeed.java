package dev.flotilla.agent;

import dev.flotilla.model.Assignment;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.Subscription;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.registry.WatchEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * This machine's assignments and the global units, as the registry's watches deliver them, folded
 * into maps. Agent thread only: the watches hand their events to the agent thread through {@code post}.
 */
final class ClusterFeed {

    interface Listener {
        /** The current watch of the assignments delivered its listing. */
        void assignmentsListed();

        /** The watch of the global units delivered its listing. */
        void globalsListed();

        /** Anything changed (after the listing callbacks). */
        void feedChanged();
    }

    private final Registry registry;
    private final String machineId;
    private final Consumer<Runnable> post;
    private final Listener listener;
    private final Map<String, Assignment> assignments = new HashMap<>();
    private final Map<String, UnitRecord> globals = new HashMap<>();
    /** Events of an assignment watch closed since are dropped. */
    private long assignmentGeneration;
    private Subscription assignmentWatch;
    private Subscription globalWatch;
    private boolean closed;

    ClusterFeed(Registry registry, String machineId, Consumer<Runnable> post, Listener listener) {
        this.registry = registry;
        this.machineId = machineId;
        this.post = post;
        this.listener = listener;
    }

    Map<String, Assignment> assignments() {
        return assignments;
    }

    Map<String, UnitRecord> globals() {
        return globals;
    }

    /** (Re)opens the watch of this machine's assignments: forgets the last listing until the new one is in. */
    void listAssignments() {
        closeAssignmentWatch();
        long generation = ++assignmentGeneration;
        assignmentWatch = registry.watchAssignments(machineId, e -> post.accept(() -> onAssignments(generation, e)));
    }

    void watchGlobals() {
        globalWatch = registry.watchGlobalUnits(e -> post.accept(() -> onGlobals(e)));
    }

    /** Closes both watches; later events are dropped. */
    void close() {
        closed = true;
        closeAssignmentWatch();
        if (globalWatch != null) {
            Subscription w = globalWatch;
            globalWatch = null;
            CompletableFuture.runAsync(w::close);
        }
    }

    private void onAssignments(long generation, WatchEvent<Assignment> event) {
        if (closed || generation != assignmentGeneration) {
            return;
        }
        if (fold(assignments, event)) {
            listener.assignmentsListed();
        }
        listener.feedChanged();
    }

    private void onGlobals(WatchEvent<UnitRecord> event) {
        if (closed) {
            return;
        }
        if (fold(globals, event)) {
            listener.globalsListed();
        }
        listener.feedChanged();
    }

    /** @return whether the event was a listing */
    private static <T> boolean fold(Map<String, T> into, WatchEvent<T> event) {
        event.applyTo(into);
        return event instanceof WatchEvent.Snapshot<T>;
    }

    private void closeAssignmentWatch() {
        assignmentGeneration++;
        assignments.clear();
        if (assignmentWatch != null) {
            Subscription w = assignmentWatch;
            assignmentWatch = null;
            // Closing waits for the watch thread, which may be handing us an event: not on this thread.
            CompletableFuture.runAsync(w::close);
        }
    }
}
