package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;

@Command(name = "list-unit-files", mixinStandardHelpOptions = true, description = {"List the units in the cluster, whether or not they are scheduled.",
        "Fields: unit, hash, dstate, state, target, global, desc."})
final class ListUnitFilesCommand extends ClusterCommand {
    @Option(names = {"-l", "--full"}, description = "Show whole machine ids and hashes.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = "--fields", defaultValue = UnitTables.UNIT_FILES_DEFAULT,
            description = "Columns to show; default: ${DEFAULT-VALUE}.")
    String fields;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Override
    int run(FlotillaClient client) {
        Table<UnitFileEntry> table = UnitTables.unitFiles(full);
        List<String> chosen = table.fields(fields);
        List<UnitFileEntry> units = client.listing(List.of(), EnumSet.of(UnitListing.Part.UNITS)).units();
        if (output == OutputFormat.json) {
            OutputFormat.printJson(out(), units);
        } else {
            table.print(out(), chosen, units, !noLegend);
        }
        return 0;
    }
}
