package dev.flotilla.flotctl;

import java.util.List;

/**
 * A command could not do what was asked (exit 1). Every line is printed to stderr: the first is
 * the message, the others details such as a unit file's problems as {@code file:line: message}.
 */
final class CommandFailure extends RuntimeException {
    private final List<String> details;

    CommandFailure(String message) {
        this(message, List.of());
    }

    CommandFailure(String message, List<String> details) {
        super(message, null, false, false);
        this.details = List.copyOf(details);
    }

    List<String> details() {
        return details;
    }
}
