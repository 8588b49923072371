package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.api.UnitListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;

@Command(name = "list-unit-files", mixinStandardHelpOptions = true, description = {"List the units in the cluster, whether or not they are scheduled.",
        "Fields: unit, hash, dstate, state, target, global, desc, waiting (why the engine cannot place it), attempts, failure.",
        "attempts and failure (RescheduleOnFailure=) join the default columns when a unit has a remembered failure."})
final class ListUnitFilesCommand extends ListingCommand<UnitFileEntry> {
    @Option(names = "--fields", defaultValue = UnitTables.UNIT_FILES_DEFAULT,
            description = "Columns to show; default: ${DEFAULT-VALUE}.")
    String fields;

    @Override
    Table<UnitFileEntry> table(boolean full) {
        return UnitTables.unitFiles(full);
    }

    @Override
    String fields() {
        return fields;
    }

    @Override
    String fields(List<UnitFileEntry> rows) {
        return UnitTables.unitFileFields(fields, rows);
    }

    @Override
    List<UnitFileEntry> rows(FlotillaClient client) {
        return client.listing(List.of(), EnumSet.of(UnitListing.Part.UNITS)).units();
    }
}
