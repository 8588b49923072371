package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.RolloutRequest;
import dev.flotilla.api.RolloutView;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.unitfile.UnitFile;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * start --replace of units that run: their new texts go to the cluster as a rollout, which the
 * engine carries out a few at a time, each waited for until healthy. The other units are started
 * as before. The rollout's options are here, so StartCommand only chooses.
 */
final class RolloutStart {
    @Option(names = "--max-parallel", paramLabel = "N", defaultValue = "1",
            description = "With --replace: replace at most N running units at a time (default 1).")
    int maxParallel;

    @Option(names = "--min-healthy", paramLabel = "TIME",
            description = "With --replace: a replaced unit must be active without a restart this long (e.g. 10s, the default).")
    String minHealthy;

    @Option(names = "--healthy-deadline", paramLabel = "TIME",
            description = "With --replace: a replaced unit not healthy within this (default 5m) fails the rollout.")
    String healthyDeadline;

    @Option(names = "--auto-revert", description = "With --replace: if the rollout fails, put the replaced units back.")
    boolean autoRevert;

    @Option(names = "--all-at-once", description = "With --replace: replace every unit at once, without a rollout.")
    boolean allAtOnce;

    /** The named units split: those to roll (running, text differs) and the rest. */
    record Split(List<RolloutRequest.RolloutUnitText> rolled, List<String> rest) {
    }

    Split split(FlotillaClient client, List<String> args, Path workingDir, PrintWriter err) {
        UnitArguments arguments = new UnitArguments(client, workingDir);
        List<UnitTarget> targets;
        try {
            targets = arguments.resolve(args, true);
        } finally {
            arguments.warnings().forEach(err::println);
        }
        List<String> names = targets.stream().map(UnitTarget::name).toList();
        Map<String, UnitFileEntry> inCluster = ClusterCommand.found(client, names);
        List<RolloutRequest.RolloutUnitText> rolled = new ArrayList<>();
        List<RolloutRequest.RolloutUnitText> globals = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (UnitTarget t : targets) {
            UnitFileEntry e = inCluster.get(t.name());
            boolean running = e != null && "launched".equals(e.desiredState());
            if (running && !t.fromCluster() && !UnitFile.parse(t.name(), t.text()).hash().equals(e.hash())) {
                (e.global() ? globals : rolled).add(new RolloutRequest.RolloutUnitText(t.name(), t.text()));
            } else {
                rest.add(t.name());
            }
        }
        // A global unit rolls machine by machine in a rollout of its own; beside other units it is replaced at once.
        if (rolled.isEmpty()) {
            return new Split(globals, rest);
        }
        List<String> others = new ArrayList<>(rest);
        globals.forEach(g -> others.add(g.name()));
        return new Split(rolled, others);
    }

    RolloutRequest request(List<RolloutRequest.RolloutUnitText> units) {
        if (maxParallel < 1) {
            throw new FlotctlMain.UsageError("--max-parallel must be at least 1, not " + maxParallel);
        }
        return new RolloutRequest(units, maxParallel, seconds("--min-healthy", minHealthy),
                seconds("--healthy-deadline", healthyDeadline), autoRevert ? Boolean.TRUE : null);
    }

    /** 10s, 2m, 500ms, 1h or plain seconds; null stays null (the cluster's default). */
    static Double seconds(String option, String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        double factor = 1;
        if (v.endsWith("ms")) {
            factor = 0.001;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 60;
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("h")) {
            factor = 3600;
            v = v.substring(0, v.length() - 1);
        }
        try {
            double d = Double.parseDouble(v) * factor;
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new FlotctlMain.UsageError(option + ": expected a time such as 10s, 2m or 500ms, not '" + value + "'");
        }
    }

    /** Starts the rollout and, unless noBlock, follows it to its end. */
    int roll(FlotillaClient client, List<RolloutRequest.RolloutUnitText> units, boolean noBlock, PrintWriter out,
             PrintWriter err, boolean terminal) {
        RolloutView r = client.startRollout(request(units));
        out.println("Rollout " + r.id() + " started: " + r.units().size() + " units, at most " + r.maxParallel() + " at a time");
        out.flush();
        if (noBlock) {
            return 0;
        }
        return new RolloutWatch(client, out, err, terminal, d -> Thread.sleep(d.toMillis())).follow(r.id());
    }
}
