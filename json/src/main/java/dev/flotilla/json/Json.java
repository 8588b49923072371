package dev.flotilla.json;

import java.io.OutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/**
 * JSON for Flotilla: {@link #parse} text to a {@link JsonValue} tree; {@link #read} text into
 * records, lists, maps and scalars; {@link #write} them back as compact UTF-8. What is written
 * is what Jackson wrote for the same values (components in declared order, {@link JsonOmit} for
 * {@code @JsonInclude}), so that clients and older daemons read it unchanged.
 */
public final class Json {
    /** What reading into a record does with a field the record has no component for. */
    public enum Unknown {
        /** Skips it: data written by a newer version, or by a client of fleet's wider API. */
        IGNORE,
        /** Refuses it ({@link JsonUnknownFieldException}): a misspelled field is not silently lost. */
        REFUSE
    }

    private Json() {
    }

    /** The whole text as one JSON value; anything but whitespace after it is refused. */
    public static JsonValue parse(String text) {
        return Parser.parse(text, true);
    }

    /** The whole of the UTF-8 bytes as one JSON value. */
    public static JsonValue parse(byte[] utf8) {
        return Parser.parse(utf8, 0, utf8.length, true);
    }

    public static JsonValue parse(byte[] utf8, int offset, int length) {
        return Parser.parse(utf8, offset, length, true);
    }

    /**
     * The JSON value at the start of the bytes; what follows it is not looked at, as fleet's
     * decoder (Go's json.Decoder) did with a request body.
     */
    public static JsonValue parseFirst(byte[] utf8) {
        return Parser.parse(utf8, 0, utf8.length, false);
    }

    /** Parses the whole text and binds it to {@code type} (a record, a list, an array, ...). */
    public static <T> T read(byte[] utf8, Class<T> type, Unknown unknown) {
        return bind(parse(utf8), type, unknown);
    }

    public static <T> T read(String text, Class<T> type, Unknown unknown) {
        return bind(parse(text), type, unknown);
    }

    /**
     * A tree as a value of {@code type}. A record's missing fields are null, 0 or false; a JSON
     * null in a primitive component is 0 or false. Numbers must fit their type exactly.
     */
    public static <T> T bind(JsonValue tree, Class<T> type, Unknown unknown) {
        Object v = Binder.read(tree, type, unknown);
        @SuppressWarnings("unchecked")
        T t = type.isPrimitive() ? (T) v : type.cast(v);
        return t;
    }

    /** For generic targets ({@code List<UnitSubmission>}: a ParameterizedType). */
    public static Object bind(JsonValue tree, Type type, Unknown unknown) {
        return Binder.read(tree, type, unknown);
    }

    /** A value as a tree (for building or comparing JSON in code). */
    public static JsonValue tree(Object value) {
        return parse(write(value));
    }

    /** The value as compact JSON in UTF-8. */
    public static byte[] write(Object value) {
        Output out = new Output(null, 256);
        Binder.write(value, out);
        return out.toBytes();
    }

    public static String writeString(Object value) {
        return new String(write(value), StandardCharsets.UTF_8);
    }

    /**
     * Writes the value to a stream as it goes, a buffer at a time (a large answer is never
     * held whole). The stream is neither flushed nor closed.
     *
     * @throws java.io.UncheckedIOException when the stream fails
     */
    public static void write(Object value, OutputStream out) {
        Output o = new Output(out, Output.FLUSH_AT + 1024);
        Binder.write(value, o);
        o.flush();
    }
}
