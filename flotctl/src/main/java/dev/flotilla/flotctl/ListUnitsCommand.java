package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitListing;
import dev.flotilla.api.UnitStateEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.EnumSet;
import java.util.List;

@Command(name = "list-units", mixinStandardHelpOptions = true, description = {"List the state of units on the machines that run them (one line per machine).",
        "Fields: unit, machine, active, sub, load, hash, restarts (systemd's NRestarts),",
        "since (systemd's state change time, as systemctl shows it)."})
final class ListUnitsCommand extends ListingCommand<UnitStateEntry> {
    @Option(names = "--fields", defaultValue = UnitTables.UNITS_DEFAULT,
            description = "Columns to show; default: ${DEFAULT-VALUE}.")
    String fields;

    @Override
    Table<UnitStateEntry> table(boolean full) {
        return UnitTables.units(full);
    }

    @Override
    String fields() {
        return fields;
    }

    @Override
    List<UnitStateEntry> rows(FlotillaClient client) {
        return client.listing(List.of(), EnumSet.of(UnitListing.Part.STATES)).states();
    }
}
