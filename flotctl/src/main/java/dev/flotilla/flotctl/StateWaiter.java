package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blocks until units reach a {@link AwaitedState}, polling the API's listing of just those units.
 * fleetctl's {@code --block-attempts=N}: one attempt is up to 2 s of pauses between polls; 0 waits
 * forever. Polls come every 100 ms while the server answers them quickly (under 50 ms), else every
 * 250 ms as fleetctl's did: a small wait ends sooner without a large cluster's listing being read
 * back to back. Reached units are announced on stdout as they arrive; a unit the engine cannot place
 * is reported with its reason on stderr (again when the reason changes); on a terminal a progress
 * line shows how many units are there.
 *
 * <p>Given the revision each unit's write answered ({@link Marks}), a load or start ends as soon as
 * every unit's machine has answered (see {@link AwaitedState#check(String, AwaitedState.Indexed, long)}),
 * and at once, with the failed units in its {@link Outcome}, when one answered with a failure. Units
 * the write left as they were (already at the target) are passed over: judged once, never waited for.
 */
final class StateWaiter {
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration QUICK_POLL = Duration.ofMillis(100);
    /** A listing answered faster than this is cheap enough to ask for again after {@link #QUICK_POLL}. */
    static final Duration QUICK_ANSWER = Duration.ofMillis(50);
    static final Duration ATTEMPT = Duration.ofSeconds(2);

    /** How a reached unit is announced; null prints nothing. */
    interface Announcer {
        String message(String unit, AwaitedState.Check check);
    }

    /** Waits between polls; tests may replace it. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    /**
     * What the command wrote: per unit, the revision its agent's answer must reach; {@code unchanged}
     * units were already at the target (the write changed nothing, so no agent will answer it).
     */
    record Marks(Map<String, Long> written, Set<String> unchanged) {
        static final Marks NONE = new Marks(Map.of(), Set.of());

        Marks {
            written = Map.copyOf(written);
            unchanged = Set.copyOf(unchanged);
        }

        /** From the changes of a write (revision 0: an older daemon, judged without answers). */
        static Marks of(List<dev.flotilla.api.UnitChange> changes) {
            Map<String, Long> w = new HashMap<>();
            Set<String> same = new java.util.HashSet<>();
            for (dev.flotilla.api.UnitChange c : changes) {
                if (c.changedSomething()) {
                    w.put(c.name(), c.revision());
                } else {
                    same.add(c.name());
                }
            }
            return new Marks(w, same);
        }
    }

    /** How a wait ended: the units whose machines answered with a failure (empty: all got there). */
    record Outcome(Map<String, AwaitedState.Check> failed) {
        Outcome {
            failed = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(failed));
        }
    }

    private final FlotillaClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final Pause pause;
    /** Characters of the progress line on screen, to blank it before other output. */
    private int progressWidth;

    StateWaiter(FlotillaClient client, PrintWriter out, PrintWriter err, boolean terminal, Pause pause) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.pause = pause;
    }

    /** The default announcement: {@code Unit web.service launched on 53a80de4.../127.0.0.11}. */
    static String fleetMessage(String unit, AwaitedState goal, AwaitedState.Check check) {
        String on = check.machineId().isEmpty() ? "" : " on " + Table.machineLegend(check.machineId(), check.machineIp(), false);
        return "Unit " + unit + " " + goal.reportedState() + on;
    }

    /**
     * @param attempts fleetctl's --block-attempts (0 = no limit)
     * @param action   the word for a global unit's trigger message ("start")
     * @throws CommandFailure when the attempts run out, naming each unit that did not get there and why
     */
    void await(List<String> units, AwaitedState goal, int attempts, String action, Announcer announcer) {
        await(units, goal, attempts, action, announcer, Marks.NONE);
    }

    /** As above, each unit judged by its machine's answer to the write in {@code marks}. */
    Outcome await(List<String> units, AwaitedState goal, int attempts, String action, Announcer announcer, Marks marks) {
        Map<String, AwaitedState.Check> failed = new java.util.LinkedHashMap<>();
        Set<String> pending = new LinkedHashSet<>(units);
        int total = pending.size();
        Map<String, String> lastWaiting = new HashMap<>();
        Map<String, AwaitedState.Check> last = new HashMap<>();
        long budgetMillis = attempts <= 0 ? Long.MAX_VALUE : attempts * ATTEMPT.toMillis();
        long pausedMillis = 0;
        boolean first = true;
        while (true) {
            long asked = System.nanoTime();
            UnitListing listing = client.listing(pending);
            boolean quickAnswer = System.nanoTime() - asked < QUICK_ANSWER.toNanos();
            if (first && (goal == AwaitedState.LOADED || goal == AwaitedState.ACTIVE)) {
                // fleetctl never waited for global units: which machines should run them is theirs to know.
                for (UnitFileEntry e : listing.units()) {
                    if (e.global() && pending.remove(e.name())) {
                        total--;
                        out.println("Triggered global unit " + e.name() + " " + action);
                    }
                }
            }
            AwaitedState.Indexed indexed = new AwaitedState.Indexed(listing);
            if (first) {
                // fleetctl passed over the units already at the target: nothing was written, no one answers
                for (String unit : marks.unchanged()) {
                    if (!pending.remove(unit)) {
                        continue;
                    }
                    AwaitedState.Check check = goal.check(unit, indexed);
                    String message = announcer == null ? null : announcer.message(unit, check);
                    if (check.reached() && message != null) {
                        out.println(message);
                    } else if (!check.reached()) {
                        err.println("Unit " + unit + " was already " + goal.reportedState() + ": not waiting (" + check.situation() + ")");
                    }
                    total--;
                }
            }
            first = false;
            for (String unit : new ArrayList<>(pending)) {
                AwaitedState.Check check = goal.check(unit, indexed, marks.written().getOrDefault(unit, 0L));
                last.put(unit, check);
                if (check.failed()) {
                    pending.remove(unit);
                    failed.put(unit, check);
                } else if (check.reached()) {
                    pending.remove(unit);
                    String message = announcer == null ? null : announcer.message(unit, check);
                    if (message != null) {
                        clearProgress();
                        out.println(message);
                    }
                } else if (!check.waiting().isEmpty() && !check.waiting().equals(lastWaiting.get(unit))) {
                    lastWaiting.put(unit, check.waiting());
                    clearProgress();
                    err.println("Unit " + unit + " is waiting: " + check.waiting());
                }
            }
            out.flush();
            progress(total - pending.size(), total, goal);
            if (pending.isEmpty() || !failed.isEmpty()) {
                clearProgress();
                return new Outcome(failed);
            }
            if (pausedMillis >= budgetMillis) {
                clearProgress();
                List<String> details = new ArrayList<>();
                for (String unit : pending) {
                    AwaitedState.Check c = last.get(unit);
                    details.add("  " + unit + ": " + c.situation() + (c.waiting().isEmpty() ? "" : " (waiting: " + c.waiting() + ")"));
                }
                throw new CommandFailure("timed out after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                        + " (" + attempts * ATTEMPT.toSeconds() + " s): " + pending.size() + " of "
                        + total + " unit" + (total == 1 ? "" : "s") + " not " + goal.verb(), details);
            }
            Duration next = quickAnswer ? QUICK_POLL : POLL;
            pausedMillis += next.toMillis();
            try {
                pause.pause(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clearProgress();
                throw new CommandFailure("interrupted while waiting for units to be " + goal.verb());
            }
        }
    }

    private void progress(int done, int total, AwaitedState goal) {
        if (!terminal || total == 0) {
            return;
        }
        String line = done + "/" + total + " units " + goal.verb();
        err.print("\r" + line);
        progressWidth = line.length();
        err.flush();
    }

    private void clearProgress() {
        if (terminal && progressWidth > 0) {
            err.print("\r" + " ".repeat(progressWidth) + "\r");
            err.flush();
            progressWidth = 0;
        }
    }
}
