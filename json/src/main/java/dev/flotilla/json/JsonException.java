package dev.flotilla.json;

/**
 * JSON that cannot be read (malformed text, or a value of the wrong shape for its type) or a
 * value that cannot be written. Unchecked: callers turn it into their own refusal (a 400, a
 * registry error). The message says where (line and column, or the field's path) and what was
 * expected, and is meant to be shown to whoever sent the JSON.
 */
public class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
