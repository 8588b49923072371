package dev.flotilla.cli;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitChange;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.registry.DesiredState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * submit, load and start: makes every named unit exist in the cluster with the intended text, and
 * sets the desired state in the same request. Everything that can be refused (unreadable or
 * invalid files, templates asked to run, texts differing without --replace) is found before the
 * first unit is written.
 */
final class UnitActions {
    private final FlotillaClient client;
    private final PrintWriter out;
    private final PrintWriter err;

    UnitActions(FlotillaClient client, PrintWriter out, PrintWriter err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    /**
     * @param desired the state to set, or null to leave existing units as they are (submit)
     * @return the unit names, in argument order
     */
    List<String> apply(List<String> args, Path workingDir, DesiredState desired, boolean replace) {
        UnitArguments arguments = new UnitArguments(client, workingDir);
        List<UnitTarget> targets;
        try {
            targets = arguments.resolve(args, replace);
        } finally {
            arguments.warnings().forEach(err::println);
        }
        List<String> problems = new ArrayList<>();
        List<Boolean> replacing = new ArrayList<>();
        for (UnitTarget t : targets) {
            if (desired != null && desired != DesiredState.INACTIVE && UnitName.parse(t.name()).isTemplate()) {
                problems.add("unit " + t.name() + " is a template: it cannot be " + desired.fleetName()
                        + "; use an instance such as " + UnitName.parse(t.name()).instantiate("1"));
            }
            boolean differs = false;
            if (!t.fromCluster()) {
                Optional<UnitDetail> inCluster = client.unitDetail(t.name());
                differs = inCluster.isPresent() && !inCluster.get().text().equals(t.text());
                if (differs && !replace) {
                    problems.add("unit " + t.name() + " differs from the one in the cluster (" + t.source()
                            + " has hash " + Table.hash(UnitFile.parse(t.name(), t.text()).hash(), false)
                            + ", the cluster " + Table.hash(inCluster.get().hash(), false) + "); use --replace to replace it");
                }
            }
            replacing.add(differs);
        }
        if (!problems.isEmpty()) {
            throw new CommandFailure(problems.get(0), problems.subList(1, problems.size()));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            UnitTarget t = targets.get(i);
            names.add(t.name());
            if (t.fromCluster() && desired == null) {
                continue; // submit of a unit already there: nothing to do
            }
            UnitChange c = client.submit(t.name(), t.text(), desired, replacing.get(i));
            switch (c.change()) {
                case UnitChange.CREATED -> {
                    if (desired == null) {
                        out.println("Unit " + t.name() + " inactive");
                    }
                }
                case UnitChange.REPLACED -> out.println("Unit " + t.name() + " replaced (hash " + Table.hash(c.hash(), false) + ")");
                default -> {
                    // unchanged or only the desired state set: the wait (or its absence) says the rest
                }
            }
        }
        out.flush();
        return names;
    }
}
