package dev.flotilla.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a pass logs: each note of the desired set once (until it changes), and one line of what it did. */
final class PassLog {
    private static final Logger log = LoggerFactory.getLogger(DefaultAgent.class);

    private Map<String, String> lastNotes = Map.of();

    void notes(DesiredSet desired) {
        Map<String, String> notes = desired.notes();
        for (Map.Entry<String, String> e : notes.entrySet()) {
            if (!e.getValue().equals(lastNotes.get(e.getKey()))) {
                log.info("{}: {}", e.getKey(), e.getValue());
            }
        }
        lastNotes = Map.copyOf(notes);
    }

    static void report(PlanExecutor.Outcome o, Plan plan, long millis) {
        if (!log.isInfoEnabled()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        add(parts, "wrote", o.written());
        add(parts, "removed", o.removed());
        add(parts, "stopping", o.stopped());
        add(parts, "starting", o.started());
        if (plan.reloads()) {
            parts.add("reloaded systemd");
        }
        if (!parts.isEmpty()) {
            log.info("{} ({} ms)", String.join("; ", parts), millis);
        }
    }

    private static void add(List<String> parts, String verb, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> shown = names.size() <= 5 ? names : names.subList(0, 5);
        parts.add(verb + " " + names.size() + " (" + String.join(", ", shown) + (names.size() > 5 ? ", ..." : "") + ")");
    }
}
