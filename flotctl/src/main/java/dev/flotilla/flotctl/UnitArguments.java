package dev.flotilla.flotctl;

import dev.flotilla.api.FlotillaClient;
import dev.flotilla.api.UnitDetail;
import dev.flotilla.api.UnitFileEntry;
import dev.flotilla.unitfile.Problem;
import dev.flotilla.unitfile.UnitFile;
import dev.flotilla.unitfile.UnitFileException;
import dev.flotilla.unitfile.UnitName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns command arguments into units, with fleetctl's habits:
 * <ol>
 * <li>an argument naming an existing file is that unit file (its name is the file name, with
 *     {@code .service} added when it has no unit suffix);</li>
 * <li>otherwise it is a unit name ({@code .service} added likewise) and the unit already in the
 *     cluster is used;</li>
 * <li>a unit not in the cluster is read from the file of that name ({@code start web} reads
 *     {@code web.service});</li>
 * <li>an instance that is not in the cluster ({@code web@1.service}) is made from its template
 *     {@code web@.service}, taken from the cluster, else from a file beside the argument;</li>
 * <li>else it is an error.</li>
 * </ol>
 * Which named units the cluster has is asked once for all arguments (one listing call, not a
 * request per unit: 300 units cost 600 requests before); only a template's text is fetched on its
 * own, once. A local file or template is compared with the cluster's unit of the same name later
 * (see {@link UnitActions}, by hash); nothing is written here.
 */
final class UnitArguments {
    private final FlotillaClient client;
    private final Path workingDir;
    private final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Templates read from the cluster, once each, for all instances of a command. */
    private final Map<String, Optional<UnitDetail>> templates = new java.util.concurrent.ConcurrentHashMap<>();
    /** The cluster's units among those the arguments name (and their templates), by name. */
    private Map<String, UnitFileEntry> known = Map.of();

    UnitArguments(FlotillaClient client, Path workingDir) {
        this.client = client;
        this.workingDir = workingDir;
    }

    /** Problems that did not refuse a unit file, as {@code file:line: warning: message}. */
    List<String> warnings() {
        return warnings;
    }

    /**
     * Resolves every argument (duplicates once), so that a bad one fails the command before any
     * unit is written.
     *
     * @param replace with --replace an instance in the cluster is compared with its local template
     */
    List<UnitTarget> resolve(List<String> args, boolean replace) {
        Map<String, UnitTarget> byName = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        known = ClusterCommand.found(client, namesToLookUp(args));
        List<Object> resolved = InOrder.map(args, arg -> {
            try {
                return resolve(arg, replace);
            } catch (CommandFailure e) {
                return e;
            }
        });
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            try {
                if (resolved.get(i) instanceof CommandFailure f) {
                    throw f;
                }
                UnitTarget t = (UnitTarget) resolved.get(i);
                UnitTarget earlier = byName.putIfAbsent(t.name(), t);
                if (earlier != null && !sameText(earlier, t)) {
                    errors.add(arg + ": unit " + t.name() + " is given twice with different texts");
                }
            } catch (CommandFailure e) {
                errors.add(e.getMessage());
                errors.addAll(e.details());
            }
        }
        if (!errors.isEmpty()) {
            throw new CommandFailure(errors.get(0), errors.subList(1, errors.size()));
        }
        return List.copyOf(byName.values());
    }

    /**
     * The unit name of every argument (a file's unit has its file's name) and the template of each
     * instance among them.
     */
    private List<String> namesToLookUp(List<String> args) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String arg : args) {
            String name;
            try {
                name = nameOf(arg);
            } catch (CommandFailure e) {
                continue; // reported when the argument itself is resolved
            }
            names.add(name);
            UnitName unit = UnitName.parse(name);
            if (unit.isInstance()) {
                names.add(unit.template().value());
            }
        }
        return new ArrayList<>(names);
    }

    private String clusterHash(String name) {
        UnitFileEntry e = known.get(name);
        return e == null ? null : e.hash();
    }

    private static boolean sameText(UnitTarget a, UnitTarget b) {
        return a.text() == null ? b.text() == null : a.text().equals(b.text());
    }

    /** Only names, for commands that act on units already in the cluster (stop, destroy, cat...). */
    static List<String> names(List<String> args) {
        List<String> names = new ArrayList<>();
        for (String arg : args) {
            String name = nameOf(arg);
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** fleetctl's mangling: the last path element, with .service added when it has no unit suffix. */
    static String nameOf(String arg) {
        String base = arg;
        int slash = base.lastIndexOf('/');
        if (slash >= 0 && slash < base.length() - 1) {
            base = base.substring(slash + 1);
        }
        String name = UnitName.withDefaultSuffix(base);
        try {
            return UnitName.parse(name).value();
        } catch (UnitFileException e) {
            throw new CommandFailure(arg + ": " + e.getMessage());
        }
    }

    private UnitTarget resolve(String arg, boolean replace) {
        if (arg.isEmpty()) {
            throw new CommandFailure("an empty argument is not a unit");
        }
        Path file = workingDir.resolve(arg);
        if (Files.isRegularFile(file)) {
            return fromFile(arg, file);
        }
        String name = nameOf(arg);
        UnitName unit = UnitName.parse(name);
        if (known.containsKey(name)) {
            if (replace && unit.isInstance()) {
                Optional<Path> template = localTemplate(arg, unit);
                if (template.isPresent()) {
                    return instance(unit, readUnit(template.get().toString(), template.get()), template.get().toString());
                }
            }
            return new UnitTarget(name, null, "the cluster", clusterHash(name));
        }
        String withSuffix = UnitName.withDefaultSuffix(arg);
        if (!withSuffix.equals(arg) && Files.isRegularFile(workingDir.resolve(withSuffix))) {
            return fromFile(withSuffix, workingDir.resolve(withSuffix));
        }
        if (unit.isInstance()) {
            UnitName template = unit.template();
            Optional<UnitDetail> clusterTemplate = known.containsKey(template.value())
                    ? templates.computeIfAbsent(template.value(), client::unitDetail) : Optional.empty();
            if (clusterTemplate.isPresent()) {
                UnitFile t;
                try {
                    t = UnitFile.parse(template, clusterTemplate.get().text());
                } catch (UnitFileException e) {
                    throw new CommandFailure("template " + template + " in the cluster cannot be read: " + e.getMessage());
                }
                return instance(unit, t, "template " + template + " in the cluster");
            }
            Optional<Path> local = localTemplate(arg, unit);
            if (local.isPresent()) {
                return instance(unit, readUnit(local.get().toString(), local.get()), local.get().toString());
            }
            throw new CommandFailure("unit " + name + " not found: it is not in the cluster, there is no file " + arg
                    + ", and its template " + template + " is neither in the cluster nor on disk");
        }
        throw new CommandFailure("unit " + name + " not found: it is not in the cluster and there is no file " + arg);
    }

    /** A template file beside the argument: {@code dir/web@1.service} looks for {@code dir/web@.service}. */
    private Optional<Path> localTemplate(String arg, UnitName instance) {
        Path dir = workingDir.resolve(arg).getParent();
        Path candidate = (dir == null ? workingDir : dir).resolve(instance.template().value());
        return Files.isRegularFile(candidate) ? Optional.of(candidate) : Optional.empty();
    }

    private UnitTarget instance(UnitName instance, UnitFile template, String source) {
        try {
            UnitFile made = template.instantiate(instance);
            return new UnitTarget(instance.value(), made.text(), source, clusterHash(instance.value()));
        } catch (UnitFileException e) {
            throw new CommandFailure("unit " + instance + " made from " + source + " is invalid", lines(source, e));
        }
    }

    private UnitTarget fromFile(String arg, Path file) {
        UnitFile unit = readUnit(arg, file);
        return new UnitTarget(unit.name().value(), unit.text(), arg, clusterHash(unit.name().value()));
    }

    /** Reads and checks a unit file; its problems are reported as {@code file:line: message}. */
    private UnitFile readUnit(String shownAs, Path file) {
        UnitFile unit;
        try {
            unit = UnitFile.read(file);
        } catch (IOException e) {
            throw new CommandFailure("cannot read " + shownAs + ": " + e.getMessage());
        } catch (UnitFileException e) {
            throw new CommandFailure(shownAs + " is not a valid unit file", lines(shownAs, e));
        }
        for (Problem p : unit.warnings()) {
            warnings.add(p.format(shownAs));
        }
        return unit;
    }

    private static List<String> lines(String file, UnitFileException e) {
        return e.problems().stream().map(p -> p.format(file)).toList();
    }
}
