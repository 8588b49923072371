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
    /** The modification revision of each assignment and global unit record (0 when not known). */
    private final Map<String, Long> assignmentRevisions = new HashMap<>();
    private final Map<String, Long> globalRevisions = new HashMap<>();
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

    /**
     * The etcd revision of the desired change the agent follows for this unit: the modification
     * revision of its assignment, or of its record for a global unit not assigned; 0 when neither.
     */
    long revisionOf(String unit) {
        Long a = assignmentRevisions.get(unit);
        if (a != null && assignments.containsKey(unit)) {
            return a;
        }
        return globals.containsKey(unit) ? globalRevisions.getOrDefault(unit, 0L) : 0L;
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
        if (fold(assignments, assignmentRevisions, event)) {
            listener.assignmentsListed();
        }
        listener.feedChanged();
    }

    private void onGlobals(WatchEvent<UnitRecord> event) {
        if (closed) {
            return;
        }
        if (fold(globals, globalRevisions, event)) {
            listener.globalsListed();
        }
        listener.feedChanged();
    }

    /** @return whether the event was a listing */
    private static <T> boolean fold(Map<String, T> into, Map<String, Long> revisions, WatchEvent<T> event) {
        event.applyTo(into);
        if (event instanceof WatchEvent.Snapshot<T> s) {
            revisions.clear();
            s.items().keySet().forEach(k -> revisions.put(k, s.modRevision(k)));
        } else if (event instanceof WatchEvent.Updated<T> u) {
            revisions.put(u.key(), u.revision()); // a put's event revision is the key's modification revision
        } else if (event instanceof WatchEvent.Removed<T> r) {
            revisions.remove(r.key());
        }
        return event instanceof WatchEvent.Snapshot<T>;
    }

    private void closeAssignmentWatch() {
        assignmentGeneration++;
        assignments.clear();
        assignmentRevisions.clear();
        if (assignmentWatch != null) {
            Subscription w = assignmentWatch;
            assignmentWatch = null;
            // Closing waits for the watch thread, which may be handing us an event: not on this thread.
            CompletableFuture.runAsync(w::close);
        }
    }
}
