package dev.flotilla.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What one pass does, in execution order: stops, reset-failed, unlink, file removals, disable,
 * file writes, link, enable, at most one reload, bookkeeping, starts. Names are sorted within
 * each kind, so the same inputs always give the same plan.
 */
record Plan(List<Action> actions) {

    static final Plan NOTHING = new Plan(List.of());

    Plan {
        actions = List.copyOf(actions);
    }

    boolean isEmpty() {
        return actions.isEmpty();
    }

    boolean reloads() {
        return actions.stream().anyMatch(a -> a instanceof Action.Reload);
    }

    /** Only the actions of one kind, e.g. {@code plan.of(Action.Start.class)}. */
    <A extends Action> List<A> of(Class<A> kind) {
        List<A> out = new ArrayList<>();
        for (Action a : actions) {
            if (kind.isInstance(a)) {
                out.add(kind.cast(a));
            }
        }
        return out;
    }

    /** Collects actions in any order and emits them in the plan's fixed order. */
    static final class Builder {
        private final TreeSet<String> stops = new TreeSet<>();
        private final TreeSet<String> resetFailed = new TreeSet<>();
        private final TreeSet<String> unlink = new TreeSet<>();
        private final TreeSet<String> remove = new TreeSet<>();
        private final TreeSet<String> disable = new TreeSet<>();
        private final List<Action.Write> writes = new ArrayList<>();
        private final TreeSet<String> link = new TreeSet<>();
        private final TreeSet<String> enable = new TreeSet<>();
        private boolean reload;
        private final TreeSet<String> forget = new TreeSet<>();
        private final List<Action.MarkLaunched> marks = new ArrayList<>();
        private final List<Action.Start> starts = new ArrayList<>();

        Builder stop(String name) {
            stops.add(name);
            return this;
        }

        Builder resetFailed(String name) {
            resetFailed.add(name);
            return this;
        }

        Builder unlink(String name) {
            unlink.add(name);
            reload = true; // systemd forgets the unit file only after a reload
            return this;
        }

        Builder remove(String name) {
            remove.add(name);
            return this;
        }

        Builder disable(String name) {
            disable.add(name);
            reload = true;
            return this;
        }

        /** {@code replacesLoaded}: the file had other text that systemd may hold loaded. */
        Builder write(DesiredUnit unit, boolean replacesLoaded) {
            writes.add(new Action.Write(unit.name(), unit.text(), unit.hash()));
            reload |= replacesLoaded;
            return this;
        }

        Builder link(String name) {
            link.add(name);
            return this;
        }

        Builder enable(String name) {
            enable.add(name);
            reload = true; // the .wants links are read when their target loads
            return this;
        }

        Builder forget(String name) {
            forget.add(name);
            return this;
        }

        Builder markLaunched(String name, String hash) {
            marks.add(new Action.MarkLaunched(name, hash));
            return this;
        }

        Builder start(String name, String hash) {
            starts.add(new Action.Start(name, hash));
            return this;
        }

        Plan build() {
            List<Action> out = new ArrayList<>();
            stops.forEach(n -> out.add(new Action.Stop(n)));
            resetFailed.forEach(n -> out.add(new Action.ResetFailed(n)));
            if (!unlink.isEmpty()) {
                out.add(new Action.Unlink(List.copyOf(unlink)));
            }
            remove.forEach(n -> out.add(new Action.Remove(n)));
            if (!disable.isEmpty()) {
                out.add(new Action.Disable(List.copyOf(disable)));
            }
            writes.stream().sorted(java.util.Comparator.comparing(Action.Write::name)).forEach(out::add);
            if (!link.isEmpty()) {
                out.add(new Action.Link(List.copyOf(link)));
            }
            if (!enable.isEmpty()) {
                out.add(new Action.Enable(List.copyOf(enable)));
            }
            if (reload) {
                out.add(new Action.Reload());
            }
            forget.forEach(n -> out.add(new Action.Forget(n)));
            marks.stream().sorted(java.util.Comparator.comparing(Action.MarkLaunched::name)).forEach(out::add);
            starts.stream().sorted(java.util.Comparator.comparing(Action.Start::name)).forEach(out::add);
            return new Plan(out);
        }
    }
}
