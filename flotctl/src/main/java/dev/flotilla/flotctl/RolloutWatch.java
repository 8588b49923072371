package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.RolloutView;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Follows a rollout until it ends: a progress line on a terminal (stderr), a line per change
 * otherwise, and the outcome. The engine runs the rollout: leaving (Ctrl-C) stops only the watching.
 */
final class RolloutWatch {
    static final Duration POLL = Duration.ofMillis(500);

    private final FlotillaClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final StateWaiter.Pause pause;
    private int progressWidth;

    RolloutWatch(FlotillaClient client, PrintWriter out, PrintWriter err, boolean terminal, StateWaiter.Pause pause) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
        this.pause = pause;
    }

    /** @return 0 if it succeeded, 1 if it ended otherwise */
    int follow(String id) {
        String last = "";
        while (true) {
            RolloutView r = client.rollout(id).orElseThrow(() -> new CommandFailure("rollout " + id + " is gone"));
            String line = progress(r);
            if (!line.equals(last)) {
                show(line);
                last = line;
            }
            if (r.ended()) {
                clear();
                return outcome(r, out, err);
            }
            try {
                pause.pause(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clear();
                throw new CommandFailure("stopped watching; rollout " + id + " goes on (flotctl rollout status " + id + ")");
            }
        }
    }

    static String progress(RolloutView r) {
        int total = r.units().size();
        StringBuilder line = new StringBuilder("rollout " + r.id() + " " + r.phase() + ": " + r.count("healthy") + "/" + total
                + " healthy");
        for (String step : new String[]{"updating", "failed", "reverting", "reverted"}) {
            long n = r.count(step);
            if (n > 0) {
                line.append(", ").append(n).append(' ').append(step);
            }
        }
        return line.toString();
    }

    /** Prints how the rollout ended; 0 if it succeeded. */
    static int outcome(RolloutView r, PrintWriter out, PrintWriter err) {
        if (r.phase().equals("succeeded")) {
            out.println("Rollout " + r.id() + " succeeded: " + r.units().size() + " units replaced");
            out.flush();
            return 0;
        }
        err.println("Rollout " + r.id() + " " + r.phase() + (r.reason().isEmpty() ? "" : ": " + r.reason()));
        err.flush();
        return 1;
    }

    private void show(String line) {
        if (terminal) {
            String padded = line.length() < progressWidth ? line + " ".repeat(progressWidth - line.length()) : line;
            err.print("\r" + padded);
            progressWidth = line.length();
            err.flush();
        } else {
            out.println(line);
            out.flush();
        }
    }

    private void clear() {
        if (terminal && progressWidth > 0) {
            err.print("\r" + " ".repeat(progressWidth) + "\r");
            err.flush();
            progressWidth = 0;
        }
    }
}
