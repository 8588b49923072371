package dev.flotilla.bench;

import dev.flotilla.registry.Registry;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Whether a dead machine's units have all gone somewhere: each is placed elsewhere, or the engine
 * recorded why it waits (no machine left fits it: at 100,000 units of the bench's mix, 5,000 units
 * with {@code Conflicts=solo-*} fill 5,000 machines one each, so a dead machine's one has nowhere to
 * go). The waiting reasons are read from etcd at most every {@link #READ_EVERY_MS}, and only once
 * the units still in question are all that is left.
 */
final class MovedOrWaiting {
    private static final long READ_EVERY_MS = 100;

    private final Registry registry;
    private final Set<String> units;
    private long lastRead;
    private Set<String> waiting = Set.of();

    MovedOrWaiting(Registry registry, Set<String> units) {
        this.registry = registry;
        this.units = units;
    }

    boolean done(Predicate<String> elsewhere) {
        Set<String> left = new TreeSet<>();
        for (String u : units) {
            if (!elsewhere.test(u)) {
                left.add(u);
            }
        }
        if (left.isEmpty()) {
            waiting = Set.of();
            return true;
        }
        long now = System.currentTimeMillis();
        if (now - lastRead >= READ_EVERY_MS) {
            lastRead = now;
            Set<String> recorded = registry.waiting().value().keySet();
            Set<String> found = new TreeSet<>(left);
            found.retainAll(recorded);
            waiting = found;
        }
        return waiting.containsAll(left);
    }

    /** The units that wait, as of the last {@link #done} that returned true. */
    Set<String> waiting() {
        return waiting;
    }
}
