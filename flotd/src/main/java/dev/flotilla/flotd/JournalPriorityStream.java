package dev.flotilla.flotd;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * stderr under systemd: each line gets the syslog priority prefix journald understands
 * ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug), taken from the
 * log line's {@code [LEVEL]}, so {@code journalctl -p warning -u flotd} works. Lines without a
 * level (a stack trace, the rest of a multi-line message) keep the priority of the line before.
 */
final class JournalPriorityStream extends PrintStream {
    static final int INFO = 6;
    private int last = INFO;

    JournalPriorityStream(PrintStream target) {
        super(target, true, StandardCharsets.UTF_8);
    }

    /** The priority of a line: from its level tag, else {@code previous}. */
    static int priority(String line, int previous) {
        if (line.startsWith("[ERROR]")) {
            return 3;
        }
        if (line.startsWith("[WARN]")) {
            return 4;
        }
        if (line.startsWith("[INFO]")) {
            return INFO;
        }
        if (line.startsWith("[DEBUG]") || line.startsWith("[TRACE]")) {
            return 7;
        }
        return previous;
    }

    /** The text with every line prefixed; returns the priority of its last line via {@code last}. */
    String prefixed(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
            }
            last = priority(lines[i], last);
            out.append('<').append(last).append('>').append(lines[i]);
        }
        return out.toString();
    }

    @Override
    public synchronized void println(String line) {
        super.println(prefixed(line == null ? "null" : line));
    }

    @Override
    public synchronized void println(Object o) {
        println(String.valueOf(o));
    }
}
