package dev.flotilla.api.server;

import dev.flotilla.model.Assignment;
import dev.flotilla.model.UnitState;
import dev.flotilla.registry.ProgressWatch;
import dev.flotilla.registry.Registry;
import dev.flotilla.registry.WatchEvent;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/**
 * One kind of the cluster's per-unit entries kept by machine ({@code states/<machine>/<unit>},
 * {@code assign/<machine>/<unit>}), mirrored by a watch while reads ask for it, so that a listing
 * costs what it sends rather than a read and decoding of every entry in etcd (at 100,000 states,
 * most of a listing's time and garbage), and a few named units cost a few lookups.
 * <p>
 * A read is answered as a read of etcd would be: it first reads the store's revision, then waits
 * (at most {@link #CATCH_UP}) until the mirror has heard every change up to it, whole revisions
 * only, by events or by a progress notice it asks for. When it cannot (the mirror is still listing,
 * the watch is cut off, etcd is slow) it says so and the caller reads etcd itself. The first read
 * starts the mirror and waits (at most {@link #FIRST_LIST}) for its listing. Nobody asking
 * for {@link #IDLE}, the mirror stops and lets go of its entries: a daemon nobody lists on keeps none.
 */
final class Mirror<T> implements AutoCloseable {
    static final Duration CATCH_UP = Duration.ofSeconds(1);
    /** How long the first read waits for the mirror's listing (100,000 states take ~2 s here) before reading etcd itself. */
    static final Duration FIRST_LIST = Duration.ofSeconds(5);
    static final Duration IDLE = Duration.ofMinutes(5);

    /** How a kind is watched. */
    interface Source<T> {
        ProgressWatch watch(Consumer<WatchEvent<T>> listener, LongConsumer caughtUp);
    }

    /** What the mirror keeps of an entry: the same, with its repeated words shared. */
    interface Keep<T> {
        T keep(T entry, UnaryOperator<String> share);
    }

    /** Unit states, sorted as listings show them. */
    static Mirror<UnitState> states(Registry registry, Scheduler scheduler, Duration idle) {
        return new Mirror<>(registry, registry::watchStates, (s, share) -> new UnitState(share.apply(s.machineId()), s.unit(),
                s.hash(), share.apply(s.loadState()), share.apply(s.activeState()), share.apply(s.subState()), s.answers(),
                s.restarts(), s.sinceMicros()), scheduler, idle);
    }

    /** Assignments: where each unit is placed (a unit moving may briefly have two, by machine id). */
    static Mirror<Assignment> assignments(Registry registry, Scheduler scheduler, Duration idle) {
        return new Mirror<>(registry, registry::watchAssignments,
                (a, share) -> new Assignment(share.apply(a.machineId()), a.unit(), a.hash(), a.desired()), scheduler, idle);
    }

    /** Sorts as listings do: by unit name, then machine id. */
    private record Key(String unit, String machine) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = unit.compareTo(o.unit);
            return c != 0 ? c : machine.compareTo(o.machine);
        }

        /** From a watch key, {@code machine/unit}. */
        static Key of(String watchKey) {
            int slash = watchKey.indexOf('/');
            return new Key(watchKey.substring(slash + 1), watchKey.substring(0, slash));
        }
    }

    private final Registry registry;
    private final Source<T> source;
    private final Keep<T> keep;
    private final Scheduler scheduler;
    private final long idleNanos;
    // Everything below is guarded by this.
    private final TreeMap<Key, T> entries = new TreeMap<>();
    /** One instance of each machine id and state word, shared by every entry that has it. */
    private final Map<String, String> words = new HashMap<>();
    private final UnaryOperator<String> share = w -> {
        String known = words.putIfAbsent(w, w);
        return known == null ? w : known;
    };
    private ProgressWatch watch;
    /** Every change up to here has been applied; -1 before the first snapshot. */
    private long revision = -1;
    /** The current watch's Snapshot has arrived. */
    private boolean listed;
    private long lastAsked;
    /** Which watch is current: a stopped one's late events are dropped. */
    private long generation;
    private boolean closed;

    Mirror(Registry registry, Source<T> source, Keep<T> keep, Scheduler scheduler, Duration idle) {
        this.registry = registry;
        this.source = source;
        this.keep = keep;
        this.scheduler = scheduler;
        this.idleNanos = idle.toNanos();
    }

    /**
     * The entries sorted by unit name, then machine id, of only the named units when any are given;
     * empty when the mirror cannot answer now as a read of etcd would (the caller reads etcd).
     *
     * @throws dev.flotilla.registry.RegistryException when etcd cannot say its revision
     */
    Optional<List<T>> read(Set<String> only) {
        synchronized (this) {
            if (closed) {
                return Optional.empty();
            }
            lastAsked = System.nanoTime();
            if (watch == null) {
                start();
            }
            // The first read waits for the mirror's own listing rather than making a second one.
            if (revision < 0 && !awaitRevision(0, FIRST_LIST)) {
                return Optional.empty();
            }
        }
        long asOf = registry.revision();
        synchronized (this) {
            if (watch == null) {
                return Optional.empty(); // stopped meanwhile
            }
            if (revision < asOf) {
                watch.requestProgress();
                if (!awaitRevision(asOf, CATCH_UP)) {
                    return Optional.empty();
                }
            }
            return Optional.of(copy(only));
        }
    }

    /** Holding the monitor: waits until everything up to the revision is applied; false when it was not in time. */
    private boolean awaitRevision(long asOf, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            for (long left = bound.toNanos(); revision < asOf && left > 0 && !closed; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return revision >= asOf && !closed && watch != null;
    }

    private List<T> copy(Set<String> only) {
        if (only.isEmpty()) {
            return new ArrayList<>(entries.values());
        }
        List<T> found = new ArrayList<>();
        for (String unit : new java.util.TreeSet<>(only)) {
            found.addAll(entries.subMap(new Key(unit, ""), true, new Key(unit + "\0", ""), false).values());
        }
        return found;
    }

    private void start() {
        long mine = ++generation;
        watch = source.watch(e -> apply(mine, e), p -> caughtUp(mine, p));
        scheduleIdleCheck(idleNanos);
    }

    private synchronized void apply(long from, WatchEvent<T> event) {
        if (from != generation || watch == null) {
            return; // a stopped watch's late event
        }
        event.foldInto(new WatchEvent.Fold<>() {
            @Override
            public void clear() {
                entries.clear();
                words.clear();
            }

            @Override
            public void put(String key, T entry) {
                Key k = Key.of(key);
                entries.put(new Key(k.unit(), share.apply(k.machine())), keep.keep(entry, share));
            }

            @Override
            public void remove(String key, T previous) {
                entries.remove(Key.of(key));
            }
        });
        listed |= event instanceof WatchEvent.Snapshot<T>;
    }

    /** Only whole revisions count: a read must not see half of one write. */
    private synchronized void caughtUp(long from, long complete) {
        if (from == generation && watch != null && listed && complete > revision) {
            revision = complete;
            notifyAll();
        }
    }

    private void scheduleIdleCheck(long inNanos) {
        long mine = generation;
        scheduler.schedule(() -> idleCheck(mine), inNanos, TimeUnit.NANOSECONDS);
    }

    private void idleCheck(long of) {
        ProgressWatch stopping;
        synchronized (this) {
            if (of != generation || watch == null || closed) {
                return;
            }
            long idleFor = System.nanoTime() - lastAsked;
            if (idleFor < idleNanos) {
                scheduleIdleCheck(idleNanos - idleFor);
                return;
            }
            stopping = stopLocked();
        }
        stopping.close(); // outside the monitor: closing waits for the watch's lane, which may be applying
    }

    private ProgressWatch stopLocked() {
        ProgressWatch w = watch;
        watch = null;
        revision = -1;
        listed = false;
        entries.clear();
        words.clear();
        notifyAll();
        return w;
    }

    /** Whether it holds a watch now (for tests). */
    synchronized boolean running() {
        return watch != null;
    }

    @Override
    public void close() {
        ProgressWatch stopping;
        synchronized (this) {
            closed = true;
            stopping = watch == null ? null : stopLocked();
        }
        if (stopping != null) {
            stopping.close();
        }
    }
}
