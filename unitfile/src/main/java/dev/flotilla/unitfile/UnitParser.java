package dev.flotilla.unitfile;

import java.util.ArrayList;
import java.util.List;

/**
 * The unit file syntax as systemd reads it, written by hand because ini4j does not reproduce it
 * (see README.md). Rules, all from systemd's config parser:
 * <ul>
 *   <li>line breaks are {@code \n}, {@code \r}, {@code \r\n} or {@code \n\r}; a leading UTF-8 BOM is skipped;</li>
 *   <li>a line whose first non-blank character is {@code #} or {@code ;} is a comment, even in the
 *       middle of a continuation; {@code #} later in a line is part of the value;</li>
 *   <li>a line ending in an odd number of backslashes continues on the next line: the last
 *       backslash becomes a space and the next line is appended as it is;</li>
 *   <li>{@code [Name]} starts a section; a section may appear several times;</li>
 *   <li>{@code Key=Value} splits at the first {@code =}; spaces and tabs around key and value are
 *       trimmed; repeated keys are all kept, in file order.</li>
 * </ul>
 * Where systemd only logs and skips a malformed line (no {@code =}, no key, an assignment before
 * any section) we report an error: a unit submitted to a cluster should not silently lose lines.
 */
final class UnitParser {

    record Parsed(List<UnitOption> options, List<Problem> problems) {
    }

    private final String text;
    private final List<UnitOption> options = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>(0);
    private String section;
    /** After a bad header, assignments are not also reported as being outside a section. */
    private boolean badSection;
    private StringBuilder continuation;
    private int continuationLine;

    private UnitParser(String text) {
        this.text = text;
    }

    /** Parses text that has already passed {@link UnitText}'s limits. */
    static Parsed parse(String text) {
        UnitParser p = new UnitParser(text);
        p.run();
        return new Parsed(p.options, p.problems);
    }

    private void run() {
        String t = text;
        int n = t.length();
        int pos = n > 0 && t.charAt(0) == '\uFEFF' ? 1 : 0;
        int line = 0;
        while (pos < n) {
            int end = pos;
            char c = 0;
            while (end < n) {
                c = t.charAt(end);
                if (c == '\n' || c == '\r') {
                    break;
                }
                end++;
            }
            int next = end;
            if (end < n) {
                next = end + 1;
                if (next < n) {
                    char d = t.charAt(next);
                    if ((d == '\n' || d == '\r') && d != c) {
                        next++;
                    }
                }
            }
            physicalLine(pos, end, ++line);
            pos = next;
        }
        if (continuation != null) {
            // systemd parses a continuation still open at the end of the file.
            String s = continuation.toString();
            continuation = null;
            logicalLine(s, 0, s.length(), continuationLine);
        }
    }

    private void physicalLine(int start, int end, int line) {
        String t = text;
        int i = start;
        while (i < end && isBlank(t.charAt(i))) {
            i++;
        }
        if (i < end && (t.charAt(i) == '#' || t.charAt(i) == ';')) {
            return;
        }
        int j = end;
        while (j > start && t.charAt(j - 1) == '\\') {
            j--;
        }
        if (((end - j) & 1) == 1) {
            if (continuation == null) {
                continuation = new StringBuilder(Math.max(64, 2 * (end - start)));
                continuationLine = line;
            }
            continuation.append(t, start, end - 1).append(' ');
            return;
        }
        if (continuation != null) {
            String s = continuation.append(t, start, end).toString();
            continuation = null;
            logicalLine(s, 0, s.length(), continuationLine);
        } else {
            logicalLine(t, start, end, line);
        }
    }

    private void logicalLine(String s, int from, int to, int line) {
        while (from < to && isBlank(s.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(s.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            return;
        }
        if (s.charAt(from) == '[') {
            sectionHeader(s, from, to, line);
            return;
        }
        if (section == null) {
            if (!badSection) {
                problems.add(Problem.error(line, "assignment " + Quote.of(s, from, to)
                        + " is outside of any section; put it under a [Section] header"));
            }
            return;
        }
        int eq = s.indexOf('=', from);
        if (eq < 0 || eq >= to) {
            problems.add(Problem.error(line, "missing '=' in " + Quote.of(s, from, to)
                    + "; an assignment looks like Key=Value"));
            return;
        }
        int keyEnd = eq;
        while (keyEnd > from && isBlank(s.charAt(keyEnd - 1))) {
            keyEnd--;
        }
        if (keyEnd == from) {
            problems.add(Problem.error(line, "missing key name before '=' in " + Quote.of(s, from, to)));
            return;
        }
        int valueStart = eq + 1;
        while (valueStart < to && isBlank(s.charAt(valueStart))) {
            valueStart++;
        }
        options.add(new UnitOption(section, s.substring(from, keyEnd), s.substring(valueStart, to), line));
    }

    private void sectionHeader(String s, int from, int to, int line) {
        if (to - from < 2 || s.charAt(to - 1) != ']') {
            problems.add(Problem.error(line, "invalid section header " + Quote.of(s, from, to)
                    + "; a header looks like [Section] on a line of its own"));
            section = null;
            badSection = true;
            return;
        }
        String name = s.substring(from + 1, to - 1);
        String why = sectionNameProblem(name);
        if (why != null) {
            problems.add(Problem.error(line, why));
            section = null;
            badSection = true;
            return;
        }
        // Reuse the previous String when a section repeats, so options share one instance.
        section = name.equals(section) ? section : name;
        badSection = false;
    }

    /** systemd refuses section names with control characters, quotes or backslashes. */
    static String sectionNameProblem(String name) {
        if (name.isEmpty()) {
            return "empty section name '[]'";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\') {
                return "section name " + Quote.of(name) + " contains a control character, quote or backslash";
            }
        }
        return null;
    }

    /** systemd trims only spaces and tabs (line breaks never reach here). */
    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }
}
