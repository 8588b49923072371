package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitChange;
import dev.flotilla.model.DesiredState;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitName;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
    /** What the last {@link #apply} wrote: the revisions the agents' answers must reach. */
    private StateWaiter.Marks marks = StateWaiter.Marks.NONE;

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
        for (int i = 0; i < targets.size(); i++) {
            UnitTarget t = targets.get(i);
            if (desired == DesiredState.LAUNCHED && UnitName.parse(t.name()).isTemplate()) {
                problems.add("unit " + t.name() + " is a template: it cannot be started itself; start an instance"
                        + " such as " + UnitName.parse(t.name()).instantiate("1") + ", or load the template for a"
                        + " socket that accepts connections");
            }
            boolean differs = false;
            if (!t.fromCluster() && t.inCluster()) {
                // The hash is the SHA-1 of the exact text: equal hashes are equal texts.
                String localHash = UnitFile.parse(t.name(), t.text()).hash();
                differs = !localHash.equals(t.clusterHash());
                if (differs && !replace) {
                    problems.add("unit " + t.name() + " differs from the one in the cluster (" + t.source()
                            + " has hash " + Table.hash(localHash, false)
                            + ", the cluster " + Table.hash(t.clusterHash(), false) + "); use --replace to replace it");
                }
            }
            replacing.add(differs);
        }
        if (!problems.isEmpty()) {
            throw new CommandFailure(problems.get(0), problems.subList(1, problems.size()));
        }
        List<String> names = new ArrayList<>();
        List<Integer> toWrite = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            names.add(targets.get(i).name());
            if (!(targets.get(i).fromCluster() && desired == null)) {
                toWrite.add(i); // a submit of a unit already there has nothing to do
            }
        }
        List<UnitChange> changes = UnitWrites.apply(client, toWrite.stream().map(i -> new UnitWrites.Write(
                targets.get(i).name(), targets.get(i).text(), desired, replacing.get(i))).toList());
        marks = StateWaiter.Marks.of(changes);
        for (int k = 0; k < toWrite.size(); k++) {
            UnitTarget t = targets.get(toWrite.get(k));
            UnitChange c = changes.get(k);
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

    /** The revisions of what the last {@link #apply} wrote, for the wait. */
    StateWaiter.Marks marks() {
        return marks;
    }
}
