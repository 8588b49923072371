package dev.flotilla.unitfile;

import java.util.List;

/**
 * The outcome of verifying one unit file.
 *
 * @param fileName the file name as the user gave it (used as the prefix of every line)
 * @param problems every problem found, ordered by line
 */
public record Verification(String fileName, List<Problem> problems) {

    public Verification {
        problems = List.copyOf(problems);
    }

    /** True when no problem is an error (warnings do not make a file invalid). */
    public boolean valid() {
        return problems.stream().noneMatch(Problem::isError);
    }

    /** {@code file:line: message} and {@code file:line: warning: message}, one per problem. */
    public List<String> lines() {
        return problems.stream().map(p -> p.format(fileName)).toList();
    }
}
