package dev.flotilla.json;

/** true or false. */
public record JsonBoolean(boolean value) implements JsonValue {
    public static final JsonBoolean TRUE = new JsonBoolean(true);
    public static final JsonBoolean FALSE = new JsonBoolean(false);

    public static JsonBoolean of(boolean value) {
        return value ? TRUE : FALSE;
    }

    @Override
    public String asText() {
        return String.valueOf(value);
    }

    @Override
    public boolean asBoolean() {
        return value;
    }

    @Override
    public String kind() {
        return "a boolean";
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
