package dev.flotilla.json;

/**
 * No value: what {@link JsonValue#path} answers for an absent field or index, so lookups chain.
 * Never produced by the parser; the writer refuses it.
 */
public record JsonMissing() implements JsonValue {
    public static final JsonMissing MISSING = new JsonMissing();

    @Override
    public String asText(String fallback) {
        return fallback;
    }

    @Override
    public String kind() {
        return "nothing";
    }

    @Override
    public String toString() {
        return "";
    }
}
