package dev.flotilla.testvms.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the soak's acknowledged writes say the cluster must run, and the check of what each
 * machine's systemd runs against it. Pure: no cluster, so the rules are tested on their own.
 */
final class SoakModel {
    /** A unit's desired state as last acknowledged by the API. */
    enum Desired { LAUNCHED, LOADED, DESTROYED }

    /** A unit the soak made, and the rule it must keep. */
    record Unit(String name, Kind kind, String peer, Map<String, String> metadata) {
        /** MachineOf peer (PAIRED), the conflict group's glob prefix (CONFLICTING), else null. */
        Unit {
            metadata = Map.copyOf(metadata);
        }
    }

    enum Kind { PLAIN, CONFLICTING, PAIRED, ZONED, GLOBAL }

    private final Map<String, Unit> units = new TreeMap<>();
    private final Map<String, Desired> desired = new TreeMap<>();

    void add(Unit unit, Desired state) {
        units.put(unit.name(), unit);
        desired.put(unit.name(), state);
    }

    void set(String name, Desired state) {
        if (!units.containsKey(name)) {
            throw new IllegalArgumentException("no unit " + name);
        }
        desired.put(name, state);
    }

    Desired desired(String name) {
        return desired.get(name);
    }

    List<String> named(Kind kind, Desired state) {
        return units.values().stream().filter(u -> u.kind() == kind && desired.get(u.name()) == state)
                .map(Unit::name).toList();
    }

    Set<String> names() {
        return new TreeSet<>(units.keySet());
    }

    /** The units that must exist in the cluster (acknowledged and not destroyed). */
    Set<String> existing() {
        Set<String> s = new TreeSet<>();
        desired.forEach((n, d) -> {
            if (d != Desired.DESTROYED) {
                s.add(n);
            }
        });
        return s;
    }

    /**
     * Every rule broken by what the machines' systemd run.
     *
     * @param active   per live machine, the soak's units its systemd has active
     * @param metadata per live machine, its metadata
     * @param listed   the units the cluster lists (its unit files)
     */
    List<String> violations(Map<String, Set<String>> active, Map<String, Map<String, String>> metadata, Set<String> listed) {
        List<String> out = new ArrayList<>();
        Map<String, List<String>> on = new TreeMap<>();
        active.forEach((m, names) -> names.forEach(n -> on.computeIfAbsent(n, k -> new ArrayList<>()).add(m)));
        for (Unit u : units.values()) {
            List<String> where = on.getOrDefault(u.name(), List.of());
            Desired d = desired.get(u.name());
            if (d != Desired.DESTROYED && !listed.contains(u.name())) {
                out.add(u.name() + " was acknowledged but the cluster does not list it");
            }
            if (d == Desired.DESTROYED && listed.contains(u.name())) {
                out.add(u.name() + " was destroyed but the cluster still lists it");
            }
            if (d != Desired.LAUNCHED) {
                if (!where.isEmpty()) {
                    out.add(u.name() + " is " + d.name().toLowerCase() + " but runs on " + where);
                }
                continue;
            }
            if (u.kind() == Kind.GLOBAL) {
                Set<String> should = new TreeSet<>();
                metadata.forEach((m, md) -> {
                    if (md.entrySet().containsAll(u.metadata().entrySet())) {
                        should.add(m);
                    }
                });
                if (!should.equals(new TreeSet<>(where))) {
                    out.add("global " + u.name() + " runs on " + where + ", should on " + should);
                }
                continue;
            }
            if (where.size() != 1) {
                out.add(u.name() + " runs on " + where.size() + " machines " + where + ", should on exactly one");
                continue;
            }
            String m = where.get(0);
            if (!metadata.getOrDefault(m, Map.of()).entrySet().containsAll(u.metadata().entrySet())) {
                out.add(u.name() + " runs on " + m + " whose metadata " + metadata.get(m) + " lacks " + u.metadata());
            }
            if (u.kind() == Kind.PAIRED && desired.get(u.peer()) == Desired.LAUNCHED) {
                List<String> peerOn = on.getOrDefault(u.peer(), List.of());
                if (!peerOn.contains(m)) {
                    out.add(u.name() + " runs on " + m + " but its MachineOf peer " + u.peer() + " on " + peerOn);
                }
            }
            if (u.kind() == Kind.CONFLICTING) {
                for (String other : active.get(m)) {
                    if (other.compareTo(u.name()) > 0 && other.startsWith(u.peer())) {
                        out.add(u.name() + " and " + other + " conflict but both run on " + m);
                    }
                }
            }
        }
        return out;
    }
}
