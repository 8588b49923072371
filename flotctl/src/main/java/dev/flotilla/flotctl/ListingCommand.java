package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import picocli.CommandLine.Option;

import java.util.List;

/** What list-units and list-unit-files share: fleetctl's table flags and JSON output of one listing call. */
abstract class ListingCommand<T> extends ClusterCommand {
    @Option(names = {"-l", "--full"}, description = "Show whole machine ids and hashes.")
    boolean full;

    @Option(names = "--no-legend", description = "Leave out the header line.")
    boolean noLegend;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    abstract Table<T> table(boolean full);

    abstract String fields();

    abstract List<T> rows(FlotillaClient client);

    /** The columns for these rows (by default {@link #fields()}). */
    String fields(List<T> rows) {
        return fields();
    }

    @Override
    int run(FlotillaClient client) {
        Table<T> table = table(full);
        table.fields(fields()); // refuses unknown fields before asking the cluster
        List<T> rows = rows(client);
        List<String> chosen = table.fields(fields(rows));
        if (output == OutputFormat.json) {
            OutputFormat.printJson(out(), rows);
        } else {
            table.print(out(), chosen, rows, !noLegend);
        }
        return 0;
    }
}
