package dev.flotilla.unitfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the [X-Fleet] options of a unit into {@link FleetRequirements}, reporting each problem at
 * the line it comes from. Specifiers are expanded for the unit's own name first.
 */
final class FleetSection {

    static final String SECTION = "X-Fleet";

    /**
     * Closed set of the keys fleet understood; legacy names map to the same key (fleet's
     * X-ConditionMachineBootID, too, was read as a machine id).
     */
    enum Key {
        MACHINE_ID("MachineID", "X-ConditionMachineID", "X-ConditionMachineBootID"),
        MACHINE_OF("MachineOf", "X-ConditionMachineOf"),
        MACHINE_METADATA("MachineMetadata", "X-ConditionMachineMetadata"),
        CONFLICTS("Conflicts", "X-Conflicts"),
        GLOBAL("Global"),
        REPLACES("Replaces"),
        /** Flotilla's own: fleet had no such key. */
        RESCHEDULE_ON_FAILURE("RescheduleOnFailure"),
        /** Read by {@link DemandSection}, with the [Service] limits. */
        MEMORY_REQUEST(DemandSection.MEMORY_REQUEST),
        CPU_REQUEST(DemandSection.CPU_REQUEST);

        final String key;
        final List<String> legacy;

        Key(String key, String... legacy) {
            this.key = key;
            this.legacy = List.of(legacy);
        }

        static Key of(String name) {
            for (Key k : values()) {
                if (k.key.equals(name) || k.legacy.contains(name)) {
                    return k;
                }
            }
            return null;
        }

        static Key ignoringCase(String name) {
            for (Key k : values()) {
                if (k.key.equalsIgnoreCase(name) || k.legacy.stream().anyMatch(name::equalsIgnoreCase)) {
                    return k;
                }
            }
            return null;
        }
    }

    private final UnitName name;
    private final List<Problem> problems;

    private String machineId;
    private int machineIdLine;
    private final List<String> machineOf = new ArrayList<>(0);
    private final List<Integer> machineOfLines = new ArrayList<>(0);
    private final Map<String, List<String>> required = new LinkedHashMap<>();
    private final Map<String, List<String>> excluded = new LinkedHashMap<>();
    private final List<Glob> conflicts = new ArrayList<>(0);
    private final List<Integer> conflictLines = new ArrayList<>(0);
    private boolean global;
    private int globalLine;
    private final List<Glob> replaces = new ArrayList<>(0);
    private final List<Integer> replaceLines = new ArrayList<>(0);
    private int reschedules;
    private int reschedulesLine;

    private FleetSection(UnitName name, List<Problem> problems) {
        this.name = name;
        this.problems = problems;
    }

    /** Adds problems to {@code problems}; the result is meaningful only if none is an error. */
    static FleetRequirements extract(UnitName name, List<UnitOption> options, List<Problem> problems) {
        FleetSection f = null;
        for (UnitOption o : options) {
            if (SECTION.equals(o.section())) {
                if (f == null) {
                    f = new FleetSection(name, problems);
                }
                f.option(o);
            }
        }
        return f == null ? FleetRequirements.NONE : f.finish();
    }

    private void option(UnitOption o) {
        int line = o.line();
        Key key = Key.of(o.name());
        if (key == null) {
            Key near = Key.ignoringCase(o.name());
            problems.add(Problem.warning(line, "unknown [X-Fleet] key " + Quote.of(o.name()) + " is ignored"
                    + (near == null ? "" : " (did you mean '" + near.key + "'?)")));
            return;
        }
        if (key == Key.MEMORY_REQUEST || key == Key.CPU_REQUEST) {
            return;
        }
        if (!key.key.equals(o.name())) {
            problems.add(Problem.warning(line, o.name() + " is the old name of " + key.key + "; it still works"));
        }
        String raw = o.value();
        String value = Specifiers.expand(raw, name, line, problems);
        // A template's %i is empty; values built from it cannot be judged until it is instantiated.
        boolean dependsOnInstance = name.isTemplate() && raw.contains("%i");
        // fleet split a value that begins and ends with a quote into words, whatever the key.
        List<String> quoted = FleetQuoting.split(value);
        switch (key) {
            case MACHINE_ID -> machineId(quoted == null ? value : String.join(" ", nonEmpty(quoted)), line, dependsOnInstance);
            case MACHINE_OF -> machineOf(names(value, quoted), line, dependsOnInstance);
            case MACHINE_METADATA -> metadata(value, quoted, line, dependsOnInstance);
            case CONFLICTS -> globs("Conflicts", names(value, quoted), line, conflicts, conflictLines);
            // fleet read the last word of the last line.
            case GLOBAL -> global(quoted == null ? value : quoted.get(quoted.size() - 1), line);
            case REPLACES -> globs("Replaces", names(value, quoted), line, replaces, replaceLines);
            case RESCHEDULE_ON_FAILURE -> reschedules(quoted == null ? value : String.join(" ", nonEmpty(quoted)), line);
            case MEMORY_REQUEST, CPU_REQUEST -> throw new IllegalStateException("read by DemandSection");
        }
    }

    /** Names or patterns: the whitespace-separated words of the value or of each of its quoted words. */
    private static List<String> names(String value, List<String> quoted) {
        if (quoted == null) {
            return words(value);
        }
        List<String> out = new ArrayList<>(quoted.size());
        for (String w : quoted) {
            out.addAll(words(w));
        }
        return out;
    }

    private static List<String> nonEmpty(List<String> words) {
        return words.stream().filter(w -> !w.isEmpty()).toList();
    }

    private void machineId(String value, int line, boolean dependsOnInstance) {
        if (machineId != null) {
            problems.add(Problem.error(line, "MachineID is given more than once (first on line " + machineIdLine + ")"));
            return;
        }
        if (!dependsOnInstance) {
            if (value.isEmpty()) {
                problems.add(Problem.error(line, "MachineID needs a machine id"));
                return;
            }
            if (hasBlank(value)) {
                problems.add(Problem.error(line, "MachineID takes one machine id, not " + Quote.of(value)));
                return;
            }
            if (!isHex(value) || (value.length() != 32 && value.length() != 8)) {
                problems.add(Problem.warning(line, "MachineID " + Quote.of(value)
                        + " does not look like a machine id (32 hexadecimal characters, as in /etc/machine-id)"));
            }
        }
        machineId = value;
        machineIdLine = line;
    }

    private void machineOf(List<String> names, int line, boolean dependsOnInstance) {
        if (names.isEmpty()) {
            problems.add(Problem.warning(line, "MachineOf without a unit name has no effect"));
        }
        for (String peer : names) {
            if (peer.equals(name.value())) {
                problems.add(Problem.error(line, "MachineOf cannot name the unit itself"));
                continue;
            }
            if (!dependsOnInstance && !UnitName.isValid(peer)) {
                problems.add(Problem.warning(line, "MachineOf names " + Quote.of(peer)
                        + ", which is not a valid unit name, so no unit can match it"));
            }
            if (!machineOf.contains(peer)) {
                machineOf.add(peer);
                machineOfLines.add(line);
            }
        }
    }

    /**
     * Pairs are fleet's quoted words when the value is in fleet's quoted form, else Flotilla's
     * reading (whitespace-separated, quotes grouping anywhere). A pair that is not exactly
     * {@code key=value} (or {@code key!=value}) with text on both sides is dropped with a warning:
     * fleet dropped it silently, so the unit is placed as on fleet.
     */
    private void metadata(String value, List<String> quoted, int line, boolean dependsOnInstance) {
        List<String> pairs = new ArrayList<>(2);
        if (quoted != null) {
            pairs.addAll(nonEmpty(quoted));
        } else {
            String why = quotedWords(value, pairs);
            if (why != null) {
                problems.add(Problem.warning(line, "MachineMetadata " + Quote.of(value) + ": " + why
                        + "; the line is ignored"));
                return;
            }
        }
        if (pairs.isEmpty()) {
            problems.add(Problem.warning(line, "MachineMetadata without key=value has no effect"));
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            boolean negated = eq > 0 && pair.charAt(eq - 1) == '!';
            String k = eq < 0 ? "" : pair.substring(0, negated ? eq - 1 : eq).strip();
            String v = eq < 0 ? "" : pair.substring(eq + 1).strip();
            String why = eq < 0 ? "has no '='"
                    : pair.indexOf('=', eq + 1) >= 0 ? "has more than one '='"
                    : k.isEmpty() ? "has no key before '='"
                    // A template's empty %i is filled in by each instance, which is checked then.
                    : v.isEmpty() && !dependsOnInstance ? "has no value after '='" : null;
            if (why != null) {
                problems.add(Problem.warning(line, "MachineMetadata " + Quote.of(pair) + " " + why
                        + "; it is ignored (not key=value), as fleet ignored it"));
                continue;
            }
            List<String> values = (negated ? excluded : required).computeIfAbsent(k, x -> new ArrayList<>(2));
            if (!values.contains(v)) {
                values.add(v);
            }
        }
    }

    private void globs(String what, List<String> patterns, int line, List<Glob> into, List<Integer> lines) {
        if (patterns.isEmpty()) {
            problems.add(Problem.warning(line, what + " without a pattern has no effect"));
        }
        for (String p : patterns) {
            String why = Glob.problem(p);
            if (why != null) {
                problems.add(Problem.error(line, what + " pattern " + Quote.of(p) + " is malformed: " + why));
                continue;
            }
            Glob g = Glob.compile(p);
            if (!into.contains(g)) {
                into.add(g);
                lines.add(line);
            }
        }
    }

    private void global(String value, int line) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on", "t" -> global = true;
            case "false", "no", "0", "off", "f" -> global = false;
            default -> {
                problems.add(Problem.warning(line, "Global value " + Quote.of(value)
                        + " is not one of true/yes/1/on/t or false/no/0/off/f; it is read as false"));
                global = false;
            }
        }
        globalLine = line;
    }

    /** A count from 0 to {@link FleetRequirements#MAX_RESCHEDULES}; anything else is refused, not guessed. */
    private void reschedules(String value, int line) {
        if (reschedulesLine != 0) {
            problems.add(Problem.error(line, "RescheduleOnFailure is given more than once (first on line "
                    + reschedulesLine + ")"));
            return;
        }
        reschedulesLine = line;
        boolean digits = !value.isEmpty() && value.length() <= 9 && value.chars().allMatch(c -> c >= '0' && c <= '9');
        int n = digits ? Integer.parseInt(value) : -1;
        if (n < 0 || n > FleetRequirements.MAX_RESCHEDULES) {
            problems.add(Problem.error(line, "RescheduleOnFailure takes a number of attempts from 0 to "
                    + FleetRequirements.MAX_RESCHEDULES + ", not " + Quote.of(value)));
            return;
        }
        reschedules = n;
    }

    private FleetRequirements finish() {
        boolean hasId = machineId != null;
        int ofLine = machineOf.isEmpty() ? 0 : machineOfLines.get(0);
        int conflictLine = conflicts.isEmpty() ? 0 : conflictLines.get(0);
        int replaceLine = replaces.isEmpty() ? 0 : replaceLines.get(0);
        if (hasId) {
            refuse(!machineOf.isEmpty(), "MachineID", machineIdLine, "MachineOf", ofLine);
            refuse(!conflicts.isEmpty(), "MachineID", machineIdLine, "Conflicts", conflictLine);
            refuse(global, "MachineID", machineIdLine, "Global", globalLine);
            refuse(!replaces.isEmpty(), "MachineID", machineIdLine, "Replaces", replaceLine);
            // MachineID names the one machine: there is nowhere else to move to.
            refuse(reschedules > 0, "MachineID", machineIdLine, "RescheduleOnFailure", reschedulesLine);
        }
        if (global) {
            refuse(!machineOf.isEmpty(), "Global", globalLine, "MachineOf", ofLine);
            refuse(!replaces.isEmpty(), "Global", globalLine, "Replaces", replaceLine);
            // A global unit runs on every matching machine already; it is never moved.
            refuse(reschedules > 0, "Global", globalLine, "RescheduleOnFailure", reschedulesLine);
        }
        refuse(!conflicts.isEmpty() && !replaces.isEmpty(), "Conflicts", conflictLine, "Replaces", replaceLine);
        for (int i = 0; i < machineOf.size(); i++) {
            String peer = machineOf.get(i);
            for (int j = 0; j < conflicts.size(); j++) {
                if (conflicts.get(j).matches(peer)) {
                    problems.add(Problem.error(Math.max(machineOfLines.get(i), conflictLines.get(j)),
                            "MachineOf peer '" + peer + "' is matched by this unit's own Conflicts pattern '"
                                    + conflicts.get(j).pattern() + "', so the two could never share a machine"));
                }
            }
            for (int j = 0; j < replaces.size(); j++) {
                if (replaces.get(j).matches(peer)) {
                    problems.add(Problem.error(Math.max(machineOfLines.get(i), replaceLines.get(j)),
                            "MachineOf peer '" + peer + "' is matched by this unit's own Replaces pattern '"
                                    + replaces.get(j).pattern() + "', so it would push away the unit it must run next to"));
                }
            }
        }
        return new FleetRequirements(Optional.ofNullable(machineId), machineOf,
                new MetadataRequirement(required, excluded), conflicts, global, replaces, reschedules);
    }

    private void refuse(boolean both, String first, int firstLine, String second, int secondLine) {
        if (both) {
            problems.add(Problem.error(Math.max(firstLine, secondLine), first + " cannot be combined with " + second));
        }
    }

    /** Whitespace-separated words, as fleet split Conflicts, Replaces and MachineOf. */
    static List<String> words(String value) {
        List<String> out = new ArrayList<>(2);
        int n = value.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(value.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(value.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(value.substring(start, i));
            }
        }
        return out;
    }

    /**
     * Words where single or double quotes group text containing spaces and are removed, as in
     * {@code "a=b" "c=d"} or {@code region="us east"}. No backslash escapes. Returns an error
     * text for an unclosed quote, otherwise null.
     */
    static String quotedWords(String value, List<String> out) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSpace(value.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            StringBuilder word = new StringBuilder();
            while (i < n && !isSpace(value.charAt(i))) {
                char c = value.charAt(i);
                if (c == '"' || c == '\'') {
                    int close = value.indexOf(c, i + 1);
                    if (close < 0) {
                        return "the quote " + c + " at position " + (i + 1) + " is not closed";
                    }
                    word.append(value, i + 1, close);
                    i = close + 1;
                } else {
                    word.append(c);
                    i++;
                }
            }
            out.add(word.toString());
        }
        return null;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean hasBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
