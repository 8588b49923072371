package dev.flotilla.json;

/** A JSON string (any Java string; the writer escapes what JSON requires). */
public record JsonString(String value) implements JsonValue {
    public JsonString {
        java.util.Objects.requireNonNull(value, "value");
    }

    @Override
    public String asText() {
        return value;
    }

    @Override
    public String kind() {
        return "a string";
    }

    /** The JSON text, quoted and escaped. */
    @Override
    public String toString() {
        return Json.writeString(this);
    }
}
