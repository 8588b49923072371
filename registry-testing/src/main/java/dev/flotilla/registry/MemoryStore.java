package dev.flotilla.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * An in-memory cluster's state, kept the way etcd keeps it: one revision counter that every
 * write changing something bumps, keys sorted as etcd sorts them (by UTF-8 bytes) with create and
 * mod revisions, leases that take their keys with them when they end, and watches that hear each
 * revision's changes in order.
 *
 * Everything runs under the store's monitor. Reactions to a deleted key (a waiting candidate or
 * registration trying again) run after the write that deleted it, in the order they started
 * waiting, before the outermost {@link #atomically} returns.
 */
final class MemoryStore {
    /** Code-point order, which is the UTF-8 byte order etcd sorts keys in. */
    static final Comparator<String> KEY_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    };

    /** A key's value; lease 0 means none. */
    record Entry(Object value, long createRevision, long modRevision, long lease) {
    }

    sealed interface Op {
        String key();
    }

    record Put(String key, Object value, long lease) implements Op {
    }

    record Delete(String key) implements Op {
    }

    /** One key's change in a revision; now is null when the key was deleted. */
    record Change(String key, Entry now, Entry previous) {
    }

    private record Timer(long at, long sequence, Runnable action) {
    }

    private final ManualClock clock;
    private final NavigableMap<String, Entry> data = new TreeMap<>(KEY_ORDER);
    private final Map<Long, MemoryLease> leases = new HashMap<>();
    private final List<MemoryWatch<?>> watches = new ArrayList<>();
    private final Map<String, List<Runnable>> deletionWaiters = new HashMap<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::at).thenComparingLong(Timer::sequence));
    private final ArrayDeque<Runnable> afterWrite = new ArrayDeque<>();
    private long revision = 1;
    private long nextLeaseId = 0x10000;
    private long timerSequence;
    private int depth;
    private int parkedRegistrations;

    MemoryStore(ManualClock clock) {
        this.clock = clock;
    }

    /** Runs body as one atomic step; reactions to its deletions run before this returns. */
    synchronized <T> T atomically(Supplier<T> body) {
        depth++;
        try {
            return body.get();
        } finally {
            depth--;
            if (depth == 0) {
                runReactions();
            }
        }
    }

    void atomically(Runnable body) {
        atomically(() -> {
            body.run();
            return null;
        });
    }

    private void runReactions() {
        depth++;
        try {
            Runnable next;
            while ((next = afterWrite.poll()) != null) {
                next.run();
            }
        } finally {
            depth--;
        }
    }

    /** Runs action after the current atomic step's write, with the other reactions, in order. */
    synchronized void later(Runnable action) {
        afterWrite.add(action);
    }

    synchronized long revision() {
        return revision;
    }

    long now() {
        return clock.nanos();
    }

    synchronized Entry get(String key) {
        return data.get(key);
    }

    /** The keys under prefix, in etcd's order. */
    synchronized Map<String, Entry> range(String prefix) {
        Map<String, Entry> found = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : data.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            found.put(e.getKey(), e.getValue());
        }
        return found;
    }

    /**
     * Applies ops as one transaction, like an etcd txn: all or nothing, one new revision if anything
     * changed, refused when a key is written twice or a lease is gone.
     *
     * @return the revision after the write
     */
    synchronized long commit(List<? extends Op> ops, String what) {
        validate(ops, what);
        Map<String, Change> changes = new LinkedHashMap<>();
        for (Op op : ops) {
            Entry previous = data.get(op.key());
            if (op instanceof Put put) {
                long create = previous == null ? revision + 1 : previous.createRevision();
                changes.put(op.key(), new Change(op.key(), new Entry(put.value(), create, revision + 1, put.lease()), previous));
            } else if (previous != null) {
                changes.put(op.key(), new Change(op.key(), null, previous));
            }
        }
        if (changes.isEmpty()) {
            return revision;
        }
        revision++;
        List<Change> applied = List.copyOf(changes.values());
        for (Change c : applied) {
            if (c.previous() != null && c.previous().lease() != 0) {
                MemoryLease old = leases.get(c.previous().lease());
                if (old != null) {
                    old.keys().remove(c.key());
                }
            }
            if (c.now() == null) {
                data.remove(c.key());
                List<Runnable> waiters = deletionWaiters.remove(c.key());
                if (waiters != null) {
                    afterWrite.addAll(waiters);
                }
            } else {
                data.put(c.key(), c.now());
                if (c.now().lease() != 0) {
                    leases.get(c.now().lease()).keys().add(c.key());
                }
            }
        }
        for (MemoryWatch<?> w : List.copyOf(watches)) {
            w.changed(revision, applied);
        }
        return revision;
    }

    /** Refuses what etcd refuses before comparing anything: a key written twice, a lease that is gone. */
    synchronized void validate(List<? extends Op> ops, String what) {
        Set<String> written = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        for (Op op : ops) {
            if (op instanceof Put put) {
                if (!written.add(put.key()) || deleted.contains(put.key())) {
                    throw duplicate(what, put.key());
                }
                if (put.lease() != 0 && !leases.containsKey(put.lease())) {
                    throw new RegistryException(what + ": requested lease not found");
                }
            } else {
                if (written.contains(op.key())) {
                    throw duplicate(what, op.key());
                }
                deleted.add(op.key());
            }
        }
    }

    private static RegistryException duplicate(String what, String key) {
        return new RegistryException(what + ": duplicate key given in txn request (" + key + ")");
    }

    // ---- reactions and time ----

    /** Runs reaction (once) after the next write that deletes key. */
    synchronized void awaitDeletion(String key, Runnable reaction) {
        deletionWaiters.computeIfAbsent(key, k -> new ArrayList<>()).add(reaction);
    }

    /** Runs action when the clock reaches at (nanos), in order with lease expiries. */
    synchronized void schedule(long at, Runnable action) {
        timers.add(new Timer(at, timerSequence++, action));
    }

    /** Lets whatever fell due by now happen, one thing at a time in time order, each with its reactions. */
    void timeMoved() {
        while (atomically(this::runOneDue)) {
            // each expiry or timer is a step of its own, so what it frees is taken before the next one
        }
    }

    private boolean runOneDue() {
        long now = now();
        MemoryLease lease = leases.values().stream()
                .filter(l -> l.expiresAt() <= now)
                .min(Comparator.comparingLong(MemoryLease::expiresAt).thenComparingLong(MemoryLease::id))
                .orElse(null);
        Timer timer = timers.peek();
        if (timer != null && timer.at() > now) {
            timer = null;
        }
        if (lease != null && (timer == null || lease.expiresAt() <= timer.at())) {
            end(lease, true);
            return true;
        }
        if (timer != null) {
            timers.poll();
            timer.action().run();
            return true;
        }
        return false;
    }

    // ---- leases ----

    synchronized MemoryLease grant(long ttlNanos, MemoryClient keeper) {
        MemoryLease lease = new MemoryLease(nextLeaseId++, ttlNanos, keeper);
        leases.put(lease.id(), lease);
        lease.refresh(now());
        return lease;
    }

    synchronized boolean alive(long leaseId) {
        return leases.containsKey(leaseId);
    }

    /** The client started or stopped sending keep-alives (crash, shutdown, cut off, back). */
    synchronized void keepAlivesChanged(MemoryClient client) {
        for (MemoryLease l : leases.values()) {
            if (l.keeper() == client) {
                l.refresh(now());
            }
        }
    }

    /** Another client keeps the lease alive from now on (a restarted daemon adopting its registration). */
    synchronized void adopt(long leaseId, MemoryClient client) {
        leases.get(leaseId).keeper(client, now());
    }

    /** Runs reaction when the lease runs out (not when it is revoked). */
    synchronized void onExpired(long leaseId, Runnable reaction) {
        leases.get(leaseId).onExpired(reaction);
    }

    /** Ends the lease now, as a revoke does: its keys go in one revision. */
    synchronized void revoke(long leaseId) {
        MemoryLease lease = leases.get(leaseId);
        if (lease != null) {
            end(lease, false);
        }
    }

    private void end(MemoryLease lease, boolean expired) {
        List<Op> deletes = new ArrayList<>();
        Set<String> sorted = new TreeSet<>(KEY_ORDER);
        sorted.addAll(lease.keys());
        for (String key : sorted) {
            deletes.add(new Delete(key));
        }
        commit(deletes, "end lease");
        leases.remove(lease.id());
        if (expired) {
            lease.expired().forEach(afterWrite::add);
        }
    }

    synchronized void parked(int delta) {
        parkedRegistrations += delta;
    }

    synchronized int parked() {
        return parkedRegistrations;
    }

    // ---- watches ----

    synchronized void add(MemoryWatch<?> watch) {
        watches.add(watch);
    }

    synchronized void remove(MemoryWatch<?> watch) {
        watches.remove(watch);
    }
}
