package dev.flotilla.agent;

import dev.flotilla.systemd.UnitStatus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The latest systemd state of each unit the agent cares about, fed by two sources: state-change events
 * (the client's event thread) and bulk reads (the agent thread). A bulk read is slower than an event
 * and may carry an older state, so a read value is kept only for units that had no event since the read
 * began: every change brings an event, so the last event always tells the latest state.
 *
 * <p>A unit being started is <em>held</em> from just before its start job is sent until systemd
 * reports a state for it or the job ends: the state read before the start (loaded, inactive) is about
 * to change, and publishing it would cost a write that the next one overwrites.
 */
final class StatusBoard {
    private final Map<String, UnitStatus> statuses = new HashMap<>();
    private final Map<String, Long> lastEvent = new HashMap<>();
    /** System.nanoTime() of each unit's last event. */
    private final Map<String, Long> eventNanos = new HashMap<>();
    private final Set<String> held = new HashSet<>();
    private Set<String> interest = Set.of();
    private long sequence;

    /** The units whose events are kept; others are dropped. */
    synchronized void interest(Set<String> names) {
        interest = Set.copyOf(names);
        statuses.keySet().retainAll(interest);
        lastEvent.keySet().retainAll(interest);
        eventNanos.keySet().retainAll(interest);
        held.retainAll(interest);
    }

    /** An event. False if the unit is of no interest (then nothing changed). */
    synchronized boolean event(String name, UnitStatus status) {
        if (!interest.contains(name)) {
            return false;
        }
        statuses.put(name, status.withDetailsOf(statuses.get(name)));
        lastEvent.put(name, ++sequence);
        eventNanos.put(name, System.nanoTime());
        held.remove(name);
        return true;
    }

    /** How long ago the unit's last event came, in ms; Long.MAX_VALUE if none did (read in bulk only). */
    synchronized long eventAgeMillis(String name) {
        Long at = eventNanos.get(name);
        return at == null ? Long.MAX_VALUE : (System.nanoTime() - at) / 1_000_000;
    }

    /** A start or stop of the unit is about to be sent: its state is not worth publishing until systemd says more. */
    synchronized void hold(String name) {
        if (interest.contains(name)) {
            held.add(name);
        }
    }

    /** The unit's job ended: its state is worth publishing again, whatever it is. */
    synchronized void release(String name) {
        held.remove(name);
    }

    /** The state to publish: as {@link #get}, but null while the unit is held. */
    synchronized UnitStatus publishable(String name) {
        return held.contains(name) ? null : statuses.get(name);
    }

    /** Call right before a bulk read; give the value to {@link #read}. */
    synchronized long mark() {
        return sequence;
    }

    /** Stores a bulk read that began at {@code mark}, except for units with a newer event. */
    synchronized void read(Map<String, UnitStatus> values, long mark) {
        for (Map.Entry<String, UnitStatus> e : values.entrySet()) {
            if (interest.contains(e.getKey()) && lastEvent.getOrDefault(e.getKey(), 0L) <= mark) {
                statuses.put(e.getKey(), e.getValue().withDetailsOf(statuses.get(e.getKey())));
            }
        }
    }

    synchronized UnitStatus get(String name) {
        return statuses.get(name);
    }

    synchronized Map<String, UnitStatus> snapshot() {
        return Map.copyOf(statuses);
    }
}
