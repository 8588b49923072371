package dev.flotilla.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/** A JSON array. A class rather than a record so that the parser can hand over its list. */
public final class JsonArray implements JsonValue {
    public static final JsonArray EMPTY = new JsonArray(List.of());

    private final List<JsonValue> elements;

    /** Copies {@code elements}; no nulls (a JSON null is {@link JsonNull#NULL}). */
    public JsonArray(List<? extends JsonValue> elements) {
        List<JsonValue> copy = new ArrayList<>(elements.size());
        for (JsonValue v : elements) {
            copy.add(Objects.requireNonNull(v, "element"));
        }
        this.elements = Collections.unmodifiableList(copy);
    }

    private JsonArray(ArrayList<JsonValue> owned, boolean unused) {
        this.elements = Collections.unmodifiableList(owned);
    }

    /** Takes a list no one else holds (the parser's), without copying it. */
    static JsonArray owning(ArrayList<JsonValue> elements) {
        return new JsonArray(elements, true);
    }

    /** The elements, unmodifiable. */
    public List<JsonValue> elements() {
        return elements;
    }

    @Override
    public JsonValue path(int index) {
        return index >= 0 && index < elements.size() ? elements.get(index) : JsonMissing.MISSING;
    }

    @Override
    public int size() {
        return elements.size();
    }

    @Override
    public Iterator<JsonValue> iterator() {
        return elements.iterator();
    }

    @Override
    public String kind() {
        return "an array";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonArray other && elements.equals(other.elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    /** The compact JSON text. */
    @Override
    public String toString() {
        return Json.writeString(this);
    }
}
