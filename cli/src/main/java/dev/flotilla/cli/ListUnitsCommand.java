package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;

@Command(name = "list-units", mixinStandardHelpOptions = true, description = {"List the state of units on the machines that run them (one line per machine).",
        "Fields: unit, machine, active, sub, load, hash."})
final class ListUnitsCommand extends ClusterCommand {
    @Option(names = {"-l", "--full"}, description = "Show whole machine ids and hashes.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = "--fields", defaultValue = UnitTables.UNITS_DEFAULT,
            description = "Columns to show; default: ${DEFAULT-VALUE}.")
    String fields;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    int run(FlotillaClient client) {
        Table<UnitStateEntry> table = UnitTables.units(full);
        List<String> chosen = table.fields(fields);
        List<UnitStateEntry> states = client.listing(List.of(), EnumSet.of(UnitListing.Part.STATES)).states();
        if (output == OutputFormat.json) {
            OutputFormat.printJson(out(), states);
        } else {
            table.print(out(), chosen, states, !noLegend);
        }
        return 0;
    }
}
