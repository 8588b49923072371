package dev.flotilla.agent;

import dev.flotilla.systemd.Systemd;
import dev.flotilla.systemd.UnitStatus;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Reads unit states from systemd onto the board, in bulk. Agent thread only. */
final class StatusReads {
    private final Systemd systemd;
    private final StatusBoard board;
    private final LocalMemory memory;

    StatusReads(Systemd systemd, StatusBoard board, LocalMemory memory) {
        this.systemd = systemd;
        this.board = board;
        this.memory = memory;
    }

    /** Reads these units' states in one call; the board keeps a read value only if no event came since. */
    void read(Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        long mark = board.mark();
        Set<String> units = new HashSet<>();
        Map<String, UnitStatus> read = new HashMap<>();
        for (String n : names) {
            if (isTemplate(n)) {
                // systemd refuses to load a template (ListUnitsByNames fails for the whole call): once its
                // file is linked, it stands ready for its instances, reported as loaded/inactive/dead.
                read.put(n, memory.linked.contains(n) ? new UnitStatus(n, UnitStatus.LOADED, UnitStatus.INACTIVE, UnitStatus.DEAD)
                        : UnitStatus.notFound(n));
            } else {
                units.add(n);
            }
        }
        if (!units.isEmpty()) {
            read.putAll(systemd.statuses(units));
        }
        board.read(read, mark);
    }

    /** States of the units the board has neither read nor heard of yet. */
    void readUnknown(Set<String> names) {
        Set<String> unknown = new HashSet<>();
        for (String n : names) {
            if (board.get(n) == null) {
                unknown.add(n);
            }
        }
        read(unknown);
    }

    static boolean isTemplate(String name) {
        int at = name.indexOf('@');
        return at >= 0 && at + 1 == name.lastIndexOf('.');
    }
}
