package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitFileEntry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** What every command that talks to the cluster shares: the client, stdout/stderr, waiting. */
abstract class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    FlotctlMain root;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
        try (FlotillaClient client = root.client()) {
            return run(client);
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run(FlotillaClient client);

    StateWaiter waiter(FlotillaClient client) {
        return new StateWaiter(client, out(), err(), root.terminal(), d -> Thread.sleep(d.toMillis()));
    }

    /** The named units that the cluster has, as it has them, in argument order. */
    static Map<String, UnitFileEntry> found(FlotillaClient client, List<String> names) {
        AwaitedState.Indexed listing = new AwaitedState.Indexed(client.listing(names, java.util.EnumSet.of(dev.flotilla.api.UnitListing.Part.UNITS)));
        Map<String, UnitFileEntry> found = new LinkedHashMap<>();
        for (String name : names) {
            UnitFileEntry e = listing.unit(name);
            if (e != null) {
                found.put(name, e);
            }
        }
        return found;
    }

    /** The named units as the cluster has them, in argument order; any missing one fails the command. */
    static Map<String, UnitFileEntry> existing(FlotillaClient client, List<String> names) {
        Map<String, UnitFileEntry> found = found(client, names);
        List<String> missing = new ArrayList<>(names);
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            throw new CommandFailure("unit" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " not found in the cluster");
        }
        return found;
    }
}
