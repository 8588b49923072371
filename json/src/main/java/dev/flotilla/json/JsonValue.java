package dev.flotilla.json;

import java.util.Iterator;
import java.util.List;

/**
 * A JSON value as {@link Json#parse} reads it: an object (its fields in the order given), an
 * array, a string, a number (its exact text), true/false or null. {@link JsonMissing} is no JSON
 * value: it is what {@link #path} answers for an absent field, so that lookups chain
 * ({@code v.path("error").path("code").asInt()}) without null checks; nothing writes it.
 *
 * <p>The accessors answer something for every kind, as lookups in a document of unknown shape
 * need: {@link #asText()} is "" and {@link #asLong()} 0 where the value is of another kind. Ask
 * {@code isString()} and the like where the kind matters.
 */
public sealed interface JsonValue extends Iterable<JsonValue>
        permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBoolean, JsonNull, JsonMissing {

    /** The field's value in an object, else {@link JsonMissing#MISSING}. */
    default JsonValue path(String field) {
        return JsonMissing.MISSING;
    }

    /** The element at {@code index} of an array, else {@link JsonMissing#MISSING}. */
    default JsonValue path(int index) {
        return JsonMissing.MISSING;
    }

    /** Same as {@link #path(String)}. */
    default JsonValue get(String field) {
        return path(field);
    }

    /** Same as {@link #path(int)}. */
    default JsonValue get(int index) {
        return path(index);
    }

    /** Whether an object has that field (null-valued fields included). */
    default boolean has(String field) {
        return false;
    }

    /** Fields of an object, elements of an array, else 0. */
    default int size() {
        return 0;
    }

    /** An object's field names in their order; empty for other kinds. */
    default List<String> fieldNames() {
        return List.of();
    }

    /** An array's elements, an object's field values; nothing for other kinds. */
    @Override
    default Iterator<JsonValue> iterator() {
        return List.<JsonValue>of().iterator();
    }

    /** A string's value, a number's or a boolean's text, "null" for null; "" for the rest. */
    default String asText() {
        return "";
    }

    /** {@link #asText()}, or {@code fallback} for null and missing. */
    default String asText(String fallback) {
        return asText();
    }

    /** A number's value (truncated to a long), else 0. */
    default long asLong() {
        return 0;
    }

    /** {@link #asLong()} as an int (truncated), else 0. */
    default int asInt() {
        return (int) asLong();
    }

    /** A number's value as a double, else 0. */
    default double asDouble() {
        return 0;
    }

    /** A boolean's value, else false. */
    default boolean asBoolean() {
        return false;
    }

    default boolean isObject() {
        return this instanceof JsonObject;
    }

    default boolean isArray() {
        return this instanceof JsonArray;
    }

    default boolean isString() {
        return this instanceof JsonString;
    }

    /** Same as {@link #isString()}. */
    default boolean isTextual() {
        return isString();
    }

    default boolean isNumber() {
        return this instanceof JsonNumber;
    }

    default boolean isBoolean() {
        return this instanceof JsonBoolean;
    }

    default boolean isNull() {
        return this instanceof JsonNull;
    }

    default boolean isMissing() {
        return this instanceof JsonMissing;
    }

    /** What the kind is called in error messages: "an object", "a string", ... */
    String kind();
}
