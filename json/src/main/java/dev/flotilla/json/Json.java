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
        return tree(Parser.text(text), true);
    }

    /** The whole of the UTF-8 bytes as one JSON value. */
    public static JsonValue parse(byte[] utf8) {
        return tree(Parser.utf8(utf8, 0, utf8.length), true);
    }

    public static JsonValue parse(byte[] utf8, int offset, int length) {
        return tree(Parser.utf8(utf8, offset, length), true);
    }

    /**
     * The JSON value at the start of the bytes; what follows it is not looked at, as fleet's
     * decoder (Go's json.Decoder) did with a request body.
     */
    public static JsonValue parseFirst(byte[] utf8) {
        return tree(Parser.utf8(utf8, 0, utf8.length), false);
    }

    private static JsonValue tree(Parser p, boolean whole) {
        p.skipSpace();
        JsonValue v = p.tree();
        p.finish(whole);
        return v;
    }

    /**
     * The whole of the UTF-8 bytes as a value of {@code type} (a record, a list, an array, ...),
     * bound as it is parsed: no tree is built but for {@link JsonValue} parts. A record's missing
     * fields are null, 0 or false; a JSON null in a primitive component is 0 or false. Numbers
     * must fit their type exactly.
     */
    public static <T> T read(byte[] utf8, Class<T> type, Unknown unknown) {
        return cast(read(Parser.utf8(utf8, 0, utf8.length), type, unknown, true), type);
    }

    public static <T> T read(byte[] utf8, int offset, int length, Class<T> type, Unknown unknown) {
        return cast(read(Parser.utf8(utf8, offset, length), type, unknown, true), type);
    }

    public static <T> T read(String text, Class<T> type, Unknown unknown) {
        return cast(read(Parser.text(text), type, unknown, true), type);
    }

    /** As {@link #read(byte[], Class, Unknown)}, of the leading value only (as {@link #parseFirst}). */
    public static <T> T readFirst(byte[] utf8, Class<T> type, Unknown unknown) {
        return cast(read(Parser.utf8(utf8, 0, utf8.length), type, unknown, false), type);
    }

    private static Object read(Parser p, Type type, Unknown unknown, boolean whole) {
        p.skipSpace();
        try {
            Object v = Binder.read(p, type, unknown);
            p.finish(whole);
            return v;
        } catch (JsonException e) {
            if (!p.refused()) {
                // A malformed document is refused as such, even where its fault lies after a value that
                // does not fit: the same answer as parsing it whole before binding would give.
                Parser again = p.again();
                again.skipSpace();
                again.skip();
                again.finish(whole);
            }
            throw e;
        }
    }

    private static <T> T cast(Object v, Class<T> type) {
        @SuppressWarnings("unchecked")
        T t = type.isPrimitive() ? (T) v : type.cast(v);
        return t;
    }

    /** A tree as a value of {@code type}, by the same rules as {@link #read(byte[], Class, Unknown)}. */
    public static <T> T bind(JsonValue tree, Class<T> type, Unknown unknown) {
        return cast(bind(tree, (Type) type, unknown), type);
    }

    /**
     * For generic targets ({@code List<UnitSubmission>}: a ParameterizedType). The tree is written
     * and read back: one binder for both, and trees bound this way are small.
     */
    public static Object bind(JsonValue tree, Type type, Unknown unknown) {
        byte[] written = write(tree);
        return read(Parser.utf8(written, 0, written.length), type, unknown, true);
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

    /**
     * As {@link #write(Object)}, in chunks of about 32 KiB, in order, the last possibly shorter (one
     * for a small value): a large answer is encoded whole without a buffer that grows by copying
     * (a listing of 100,000 states made 64 MB of copies to send 28 MB), and each chunk can be let
     * go once sent.
     */
    public static java.util.List<java.nio.ByteBuffer> writeChunks(Object value) {
        java.util.List<java.nio.ByteBuffer> chunks = new java.util.ArrayList<>();
        Output out = Output.chunked(chunks);
        Binder.write(value, out);
        out.flush();
        return chunks;
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
