package dev.flotilla.unitfile;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A unit file, unit name or option list was refused. It carries every problem found, errors and
 * warnings alike, ordered by line, so a caller can print them all at once.
 *
 * <p>Unchecked on purpose: records such as {@link UnitName} validate in their canonical
 * constructor, and a record constructor cannot declare a checked exception. One exception type
 * for every refusal is simpler for callers than a checked one plus an IllegalArgumentException.
 */
public final class UnitFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /** @param problems at least one problem, and at least one of them an error */
    public UnitFileException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public UnitFileException(int line, String message) {
        this(List.of(Problem.error(line, message)));
    }

    /** Every problem found, errors and warnings, ordered by line. */
    public List<Problem> problems() {
        return problems;
    }

    /** Only the errors, which are why the input was refused. */
    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a UnitFileException needs at least one problem");
        }
        String errors = problems.stream().filter(Problem::isError).map(Problem::toString)
                .collect(Collectors.joining("; "));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a UnitFileException needs at least one error");
        }
        return errors;
    }
}
