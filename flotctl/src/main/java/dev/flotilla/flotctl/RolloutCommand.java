package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.RolloutView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.List;

@Command(name = "rollout", mixinStandardHelpOptions = true, description = {
        "Show or steer rollouts (started by start --replace of running units).",
        "  rollout list                  every rollout the cluster keeps, newest first",
        "  rollout status [ID]           one rollout's units (default: the newest)",
        "  rollout pause|resume|abort [ID]  (default: the one that has not ended)",
        "status --wait follows it until it ends (exit 1 unless it succeeded)."})
final class RolloutCommand extends ClusterCommand {
    @Parameters(index = "0", paramLabel = "ACTION", description = "list, status, pause, resume or abort")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID")
    String id;

    @Option(names = "--wait", description = "status: follow the rollout until it ends.")
    boolean await;

    @Override
    int run(FlotillaClient client) {
        return switch (action) {
            case "list" -> list(client);
            case "status" -> status(client);
            case "pause", "resume", "abort" -> request(client);
            default -> throw new CommandFailure("unknown rollout action " + action + ": expected list, status, pause, resume or abort");
        };
    }

    private int list(FlotillaClient client) {
        java.util.Map<String, java.util.function.Function<RolloutView, String>> columns = new java.util.LinkedHashMap<>();
        columns.put("id", RolloutView::id);
        columns.put("phase", RolloutView::phase);
        columns.put("units", r -> Integer.toString(r.units().size()));
        columns.put("healthy", r -> Long.toString(r.count("healthy")));
        columns.put("created", r -> Instant.ofEpochMilli(r.createdMillis()).toString());
        columns.put("reason", r -> r.reason().isEmpty() ? "-" : r.reason());
        new Table<>(columns).print(out(), List.copyOf(columns.keySet()), client.rollouts(), true);
        return 0;
    }

    private int status(FlotillaClient client) {
        RolloutView r = id != null ? client.rollout(id).orElseThrow(() -> new CommandFailure("no such rollout: " + id))
                : client.rollouts().stream().findFirst().orElseThrow(() -> new CommandFailure("no rollouts in the cluster"));
        PrintWriterLines.header(out(), r);
        java.util.Map<String, java.util.function.Function<RolloutView.Unit, String>> columns = new java.util.LinkedHashMap<>();
        columns.put("unit", RolloutView.Unit::name);
        columns.put("step", RolloutView.Unit::step);
        columns.put("old", u -> Table.hash(u.oldHash(), false));
        columns.put("new", u -> Table.hash(u.newHash(), false));
        columns.put("detail", u -> u.detail().isEmpty() ? "-" : u.detail());
        new Table<>(columns).print(out(), List.copyOf(columns.keySet()), r.units(), true);
        if (await && !r.ended()) {
            return new RolloutWatch(client, out(), err(), root.terminal(), d -> Thread.sleep(d.toMillis())).follow(r.id());
        }
        return r.ended() && !r.phase().equals("succeeded") ? 1 : 0;
    }

    private int request(FlotillaClient client) {
        String target = id;
        if (target == null) {
            List<RolloutView> live = client.rollouts().stream().filter(r -> !r.ended()).toList();
            if (live.size() != 1) {
                throw new CommandFailure(live.isEmpty() ? "no rollout is running" : "several rollouts have not ended ("
                        + String.join(", ", live.stream().map(RolloutView::id).toList()) + "): name one");
            }
            target = live.get(0).id();
        }
        RolloutView r = client.requestRollout(target, action);
        out().println("Rollout " + r.id() + ": " + action + " requested (the engine carries it out within a second)");
        return 0;
    }

    /** The first lines of status. */
    static final class PrintWriterLines {
        private PrintWriterLines() {
        }

        static void header(java.io.PrintWriter out, RolloutView r) {
            out.println("Rollout " + r.id() + ": " + r.phase() + (r.request().equals("none") ? "" : " (" + r.request() + " requested)"));
            if (!r.reason().isEmpty()) {
                out.println("Reason: " + r.reason());
            }
            out.println("Settings: max-parallel " + r.maxParallel() + ", min-healthy " + seconds(r.minHealthySeconds())
                    + ", healthy-deadline " + seconds(r.healthyDeadlineSeconds()) + (r.autoRevert() ? ", auto-revert" : ""));
        }

        private static String seconds(double s) {
            return (s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s)) + "s";
        }
    }
}
