package dev.flotilla.json;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON object: its fields in the order they were given, each name once. A class rather than a
 * record so that the parser can hand over its map without a copy.
 */
public final class JsonObject implements JsonValue {
    public static final JsonObject EMPTY = new JsonObject(Map.of());

    private final Map<String, JsonValue> fields;

    /** Copies {@code fields}, keeping their order; no null names or values. */
    public JsonObject(Map<String, ? extends JsonValue> fields) {
        LinkedHashMap<String, JsonValue> copy = new LinkedHashMap<>(fields.size() * 4 / 3 + 1);
        fields.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "field name"), Objects.requireNonNull(v, k)));
        this.fields = Collections.unmodifiableMap(copy);
    }

    private JsonObject(LinkedHashMap<String, JsonValue> owned, boolean unused) {
        this.fields = Collections.unmodifiableMap(owned);
    }

    /** Takes a map no one else holds (the parser's), without copying it. */
    static JsonObject owning(LinkedHashMap<String, JsonValue> fields) {
        return new JsonObject(fields, true);
    }

    /** The fields, unmodifiable, in order. */
    public Map<String, JsonValue> fields() {
        return fields;
    }

    @Override
    public JsonValue path(String field) {
        JsonValue v = fields.get(field);
        return v == null ? JsonMissing.MISSING : v;
    }

    @Override
    public boolean has(String field) {
        return fields.containsKey(field);
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public List<String> fieldNames() {
        return List.copyOf(fields.keySet());
    }

    @Override
    public Iterator<JsonValue> iterator() {
        return fields.values().iterator();
    }

    @Override
    public String kind() {
        return "an object";
    }

    /** Equal to an object of the same fields with equal values, in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObject other && List.copyOf(fields.entrySet()).equals(List.copyOf(other.fields.entrySet()));
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    /** The compact JSON text. */
    @Override
    public String toString() {
        return Json.writeString(this);
    }
}
