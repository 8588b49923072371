package dev.flotilla.json;

import java.util.List;

/** A field the record has no component for, read with {@link Json.Unknown#REFUSE}. */
public final class JsonUnknownFieldException extends JsonException {
    private static final long serialVersionUID = 1L;

    private final String where;
    private final String field;
    private final List<String> known;

    JsonUnknownFieldException(String where, String field, List<String> known) {
        super((where.isEmpty() ? "" : "at " + where + ": ") + "unknown field '" + field + "' (known: "
                + String.join(", ", known) + ")");
        this.where = where;
        this.field = field;
        this.known = List.copyOf(known);
    }

    /** Where the object with that field is ({@code units[2]}); "" at the top. */
    public String where() {
        return where;
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
