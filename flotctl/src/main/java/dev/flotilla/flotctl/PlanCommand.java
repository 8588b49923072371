package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.PlanEntry;
import dev.flotilla.api.PlanReport;
import dev.flotilla.api.UnitSubmission;
import dev.flotilla.model.DesiredState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

@Command(name = "plan", mixinStandardHelpOptions = true, description = {
        "Show where the scheduler would put units if they were started now, writing nothing.",
        "Units are given as to start: local files (planned with their own text) or units in the cluster.",
        "Lists each unit (place, stay, move, wait with the reason), then the other units it would move or leave waiting.",
        "Exit codes: 0 every unit would run, 3 some unit would wait, 1 failure, 2 usage error."})
final class PlanCommand extends ClusterCommand {
    /** Exit code when the plan leaves a unit waiting (1 and 2 are failure and usage). */
    static final int SOME_WAIT = 3;

    @Option(names = {"-l", "--full"}, description = "Show whole machine ids.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Parameters(arity = "1..*", paramLabel = "UNIT")
    List<String> units;

    @Override
    int run(FlotillaClient client) {
        UnitArguments arguments = new UnitArguments(client, root.workingDir());
        List<UnitTarget> targets;
        try {
            // as `start --replace` would: a local file's text is planned even where the cluster's differs
            targets = arguments.resolve(units, true);
        } finally {
            arguments.warnings().forEach(err()::println);
        }
        List<UnitSubmission> body = new ArrayList<>(targets.size());
        for (UnitTarget t : targets) {
            body.add(new UnitSubmission(t.name(), t.text(), DesiredState.LAUNCHED.fleetName(), null));
        }
        PlanReport plan = client.plan(body);
        if (output == OutputFormat.json) {
            OutputFormat.printJson(out(), plan);
        } else {
            List<PlanEntry> rows = new ArrayList<>(plan.units());
            rows.addAll(plan.affected());
            Map<String, Function<PlanEntry, String>> columns = new LinkedHashMap<>();
            columns.put("unit", PlanEntry::name);
            columns.put("plan", e -> verdict(e, full));
            Table<PlanEntry> table = new Table<>(columns);
            table.print(out(), table.fields("unit,plan"), rows, !noLegend);
        }
        return plan.anyWaits() ? SOME_WAIT : 0;
    }

    /** One line of the plan: {@code place on 1b2c3d4e.../10.0.0.2}, {@code move from A to B}, {@code wait: why}. */
    static String verdict(PlanEntry e, boolean full) {
        String to = Table.machineLegend(e.machineID(), e.machineIP(), full);
        String from = Table.machineLegend(e.fromMachineID(), e.fromMachineIP(), full);
        return switch (e.verdict()) {
            case "place" -> "place on " + to;
            case "stay" -> "stay on " + to;
            case "move" -> "move from " + from + " to " + to;
            case "wait" -> e.fromMachineID().isEmpty() ? "wait: " + e.reason() : "leave " + from + " and wait: " + e.reason();
            case "global" -> "global: runs on every machine it matches";
            case "inactive" -> e.fromMachineID().isEmpty() ? "inactive: no machine" : "inactive: leaves " + from;
            default -> e.verdict();
        };
    }
}
