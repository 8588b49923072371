package dev.flotilla.unitfile;

import java.util.Objects;

/**
 * One finding about a unit file: an error (the unit is refused) or a warning (it is accepted, but
 * the user should hear about it).
 *
 * @param line     1-based line in the unit text; 0 means the whole file (its name, size or encoding)
 * @param severity error or warning
 * @param message  what is wrong, in words a user can act on, without the line prefix
 */
public record Problem(int line, Severity severity, String message) {

    /** Closed set: a problem either refuses the unit or it does not. */
    public enum Severity { ERROR, WARNING }

    public Problem {
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }

    public static Problem error(int line, String message) {
        return new Problem(line, Severity.ERROR, message);
    }

    public static Problem warning(int line, String message) {
        return new Problem(line, Severity.WARNING, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /**
     * Formats as the compiler-style line {@code verify} prints: {@code file:7: message},
     * {@code file:7: warning: message}, and without the line number for whole-file problems.
     */
    public String format(String fileName) {
        StringBuilder sb = new StringBuilder(fileName.length() + message.length() + 16).append(fileName);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (severity == Severity.WARNING) {
            sb.append("warning: ");
        }
        return sb.append(message).toString();
    }

    /** {@code line 7: message}, {@code line 7: warning: message}, or just the message for line 0. */
    @Override
    public String toString() {
        String text = severity == Severity.WARNING ? "warning: " + message : message;
        return line > 0 ? "line " + line + ": " + text : text;
    }
}
