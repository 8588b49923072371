package dev.flotilla.unitfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes fleet API options as unit text: {@code [Section]} then {@code Name=Value} lines, sections
 * in order of first appearance (options of a repeated section are gathered under its first
 * header, which systemd reads the same way), a blank line between sections.
 *
 * <p>Values are never escaped: an option that the unit file syntax cannot carry exactly is
 * refused, so that reading the text back always yields the same options. Refused are line breaks
 * and NUL anywhere, leading or trailing spaces/tabs in names and values (the parser trims them),
 * and names that would read as something else ({@code =} inside, or starting with {@code [},
 * {@code #} or {@code ;}). A value ending in an odd number of backslashes would continue onto the
 * next line, so it is written with one trailing space, which the parser trims again.
 */
final class OptionsText {

    private OptionsText() {
    }

    static String write(List<UnitOption> options) {
        if (options == null) {
            throw new UnitFileException(0, "options are missing");
        }
        List<Problem> problems = new ArrayList<>(0);
        Map<String, List<UnitOption>> bySection = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i++) {
            UnitOption o = options.get(i);
            String why = problem(o);
            if (why != null) {
                problems.add(Problem.error(0, "option " + (i + 1) + why));
                continue;
            }
            bySection.computeIfAbsent(o.section(), s -> new ArrayList<>()).add(o);
        }
        if (!problems.isEmpty()) {
            throw new UnitFileException(problems);
        }
        StringBuilder sb = new StringBuilder(options.size() * 32);
        for (Map.Entry<String, List<UnitOption>> e : bySection.entrySet()) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append('[').append(e.getKey()).append("]\n");
            for (UnitOption o : e.getValue()) {
                sb.append(o.name()).append('=').append(o.value());
                if (oddTrailingBackslashes(o.value())) {
                    sb.append(' ');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Why the option cannot be written exactly, as a message tail, or null. */
    private static String problem(UnitOption o) {
        if (o == null) {
            return " is missing";
        }
        String at = " (" + o.section() + "/" + o.name() + ")";
        if (o.section() == null || o.name() == null || o.value() == null) {
            return at + " lacks a section, name or value";
        }
        String why = UnitParser.sectionNameProblem(o.section());
        if (why != null) {
            return at + ": " + why;
        }
        String name = o.name();
        if (name.isEmpty()) {
            return at + ": the name is empty";
        }
        if (hasBreakOrNul(name) || hasBreakOrNul(o.value())) {
            return at + ": a line break or NUL cannot be written in a unit file (values are not escaped)";
        }
        if (name.indexOf('=') >= 0) {
            return at + ": the name contains '='";
        }
        char first = name.charAt(0);
        if (first == '[' || first == '#' || first == ';') {
            return at + ": the name starts with '" + first + "'";
        }
        if (edgeBlank(name)) {
            return at + ": the name starts or ends with a space or tab";
        }
        if (edgeBlank(o.value())) {
            return at + ": the value starts or ends with a space or tab, which the unit file syntax trims";
        }
        return null;
    }

    private static boolean hasBreakOrNul(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean edgeBlank(String s) {
        return !s.isEmpty() && (UnitParser.isBlank(s.charAt(0)) || UnitParser.isBlank(s.charAt(s.length() - 1)));
    }

    private static boolean oddTrailingBackslashes(String s) {
        int k = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            k++;
        }
        return (k & 1) == 1;
    }
}
