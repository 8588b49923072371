package dev.flotilla.json;

/** JSON's null. */
public record JsonNull() implements JsonValue {
    public static final JsonNull NULL = new JsonNull();

    @Override
    public String asText() {
        return "null";
    }

    @Override
    public String asText(String fallback) {
        return fallback;
    }

    @Override
    public String kind() {
        return "null";
    }

    @Override
    public String toString() {
        return "null";
    }
}
