package dev.flotilla.api.server;

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

/**
 * Every unit state of the cluster, mirrored by a watch while listings ask for states, so that a
 * listing costs what it sends rather than a read and decoding of every state in etcd (at 100,000
 * states, most of a listing's time and garbage).
 * <p>
 * A read is answered as a read of etcd would be: it first reads the store's revision, then waits
 * (at most {@link #CATCH_UP}) until the mirror has heard every change up to it, by events or by a
 * progress notice it asks for. When it cannot (the mirror is still listing, the watch is cut off,
 * etcd is slow) it says so and the caller reads etcd itself. Nobody asking for {@link #IDLE}, the
 * mirror stops and lets go of its states: a daemon nobody lists on keeps none.
 */
final class StateMirror implements AutoCloseable {
    static final Duration CATCH_UP = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofMinutes(5);

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
    private final Scheduler scheduler;
    private final long idleNanos;
    // Everything below is guarded by this.
    private final TreeMap<Key, UnitState> states = new TreeMap<>();
    /** One instance of each machine id and systemd state word, shared by every state that has it. */
    private final Map<String, String> words = new HashMap<>();
    private ProgressWatch watch;
    /** Every change up to here has been applied; -1 before the first snapshot. */
    private long revision = -1;
    /** The current watch's Snapshot has arrived. */
    private boolean listed;
    private long lastAsked;
    /** Which watch is current: a stopped one's late events are dropped. */
    private long generation;
    private boolean closed;

    StateMirror(Registry registry, Scheduler scheduler) {
        this(registry, scheduler, IDLE);
    }

    StateMirror(Registry registry, Scheduler scheduler, Duration idle) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.idleNanos = idle.toNanos();
    }

    /**
     * The states sorted by unit name, then machine id, of only the named units when any are given;
     * empty when the mirror cannot answer now as a read of etcd would (the caller reads etcd).
     *
     * @throws dev.flotilla.registry.RegistryException when etcd cannot say its revision
     */
    Optional<List<UnitState>> read(Set<String> only) throws InterruptedException {
        boolean listening;
        synchronized (this) {
            if (closed) {
                return Optional.empty();
            }
            lastAsked = System.nanoTime();
            if (watch == null) {
                start();
                return Optional.empty(); // it lists now; until then this read goes to etcd
            }
            listening = revision >= 0;
        }
        if (!listening) {
            return Optional.empty();
        }
        long asOf = registry.revision();
        synchronized (this) {
            if (watch == null) {
                return Optional.empty(); // stopped meanwhile
            }
            if (revision < asOf) {
                watch.requestProgress();
                long deadline = System.nanoTime() + CATCH_UP.toNanos();
                for (long left = CATCH_UP.toNanos(); revision < asOf && left > 0 && !closed; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                if (revision < asOf || closed) {
                    return Optional.empty();
                }
            }
            return Optional.of(copy(only));
        }
    }

    private List<UnitState> copy(Set<String> only) {
        if (only.isEmpty()) {
            return new ArrayList<>(states.values());
        }
        List<UnitState> found = new ArrayList<>();
        for (String unit : new java.util.TreeSet<>(only)) {
            found.addAll(states.subMap(new Key(unit, ""), true, new Key(unit + "\0", ""), false).values());
        }
        return found;
    }

    private void start() {
        long mine = ++generation;
        watch = registry.watchStates(e -> apply(mine, e), p -> caughtUp(mine, p));
        scheduleIdleCheck(idleNanos);
    }

    private synchronized void apply(long from, WatchEvent<UnitState> event) {
        if (from != generation || watch == null) {
            return; // a stopped watch's late event
        }
        event.foldInto(new WatchEvent.Fold<>() {
            @Override
            public void clear() {
                states.clear();
                words.clear();
            }

            @Override
            public void put(String key, UnitState s) {
                Key k = Key.of(key);
                states.put(new Key(k.unit(), word(k.machine())), shared(s));
            }

            @Override
            public void remove(String key, UnitState previous) {
                states.remove(Key.of(key));
            }
        });
        listed |= event instanceof WatchEvent.Snapshot<UnitState>;
    }

    /** Only whole revisions count: a read must not see half of one write. */
    private synchronized void caughtUp(long from, long complete) {
        if (from == generation && watch != null && listed) {
            advance(complete);
        }
    }

    private void advance(long to) {
        if (to > revision) {
            revision = to;
            notifyAll();
        }
    }

    private UnitState shared(UnitState s) {
        return new UnitState(word(s.machineId()), s.unit(), s.hash(), word(s.loadState()), word(s.activeState()),
                word(s.subState()), s.answers(), s.restarts(), s.sinceMicros());
    }

    private String word(String w) {
        String known = words.putIfAbsent(w, w);
        return known == null ? w : known;
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
        states.clear();
        words.clear();
        notifyAll();
        return w;
    }

    /** Whether it holds a watch now (for tests and metrics). */
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
