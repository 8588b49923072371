package dev.flotilla.json;

import java.util.List;

/** A field the record has no component for, read with {@link Json.Unknown#REFUSE}. */
public final class JsonUnknownFieldException extends JsonException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final List<String> known;

    JsonUnknownFieldException(String where, String field, List<String> known) {
        super((where.isEmpty() ? "" : "at " + where + ": ") + "unknown field '" + field + "' (known: "
                + String.join(", ", known) + ")");
        this.field = field;
        this.known = List.copyOf(known);
    }

    /** The unknown field's name. */
    public String field() {
        return field;
    }

    /** The fields the record has, sorted. */
    public List<String> known() {
        return known;
    }
}
