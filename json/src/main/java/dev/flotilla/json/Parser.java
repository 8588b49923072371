package dev.flotilla.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * RFC 8259 JSON read straight from UTF-8 bytes, strictly: no comments, no single quotes, no
 * leading zeros, no NaN, no raw control characters in strings, no lone surrogates, no key twice
 * in one object, at most {@link #MAX_DEPTH} levels (hostile input must not exhaust the stack).
 * Errors name the line and column (1-based, in characters) and what was expected there.
 *
 * <p>A pull parser: the {@link Binder} asks for the value its target type expects (an object's
 * keys one by one, a string, a number's bounds), so that a large document becomes records with
 * no tree in between; {@link #tree()} is the same reading into a {@link JsonValue}, and
 * {@link #skip()} checks a value without keeping anything. Short ASCII strings repeated in one
 * document (keys, machine ids, "active") come back as one String each ({@link #cache}).
 */
final class Parser {
    static final int MAX_DEPTH = 512;
    /** Strings up to this many bytes are looked up in {@link #cache}: longer ones rarely repeat. */
    private static final int CACHED_LENGTH = 40;
    private static final int CACHE_SLOTS = 1024;
    /** Inputs from this many bytes on have their short strings shared. */
    private static final int CACHED_INPUT = 16 << 10;
    private static final String VALUE = "expected a JSON value (an object, array, string, number, true, false or null)";

    private final byte[] in;
    private final int begin;
    private final int end;
    /** Whether the bytes were encoded here from a Java string, which may hold a lone surrogate. */
    private final boolean fromString;
    int pos;
    private int depth;
    /** Whether this parser has refused the text (as against the binder refusing a value). */
    private boolean refused;
    /**
     * Direct-mapped: a slot holds the last short string that hashed to it, and its bytes. Only
     * for a large input: a small one (an etcd value, a request) has little to share, and the
     * registry reads 100,000 of those in a row.
     */
    private final String[] cache;
    private final byte[][] cachedBytes;

    private Parser(byte[] in, int offset, int length, boolean fromString) {
        this.in = in;
        this.begin = offset;
        this.end = offset + length;
        this.pos = offset;
        this.fromString = fromString;
        boolean large = length >= CACHED_INPUT;
        this.cache = large ? new String[CACHE_SLOTS] : null;
        this.cachedBytes = large ? new byte[CACHE_SLOTS][] : null;
    }

    /** @throws JsonException unless the bytes are valid UTF-8 (checked whole, before any parsing) */
    static Parser utf8(byte[] bytes, int offset, int length) {
        checkUtf8(bytes, offset, length);
        return new Parser(bytes, offset, length, false);
    }

    static Parser text(String text) {
        byte[] bytes = encode(text);
        return new Parser(bytes, 0, bytes.length, true);
    }

    /** A new parser over the same input, from its start: to look for a syntax error further on. */
    Parser again() {
        return new Parser(in, begin, end - begin, fromString);
    }

    boolean refused() {
        return refused;
    }

    private static void checkUtf8(byte[] bytes, int offset, int length) {
        int first = offset;
        int stop = offset + length;
        while (first < stop && bytes[first] >= 0) {
            first++;
        }
        if (first == stop) {
            return;
        }
        // From the first non-ASCII byte on (a character boundary), decoded a buffer at a time.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buf = ByteBuffer.wrap(bytes, first, stop - first);
        CharBuffer out = CharBuffer.allocate(Math.min(8192, stop - first));
        while (true) {
            CoderResult result = decoder.decode(buf, out, true);
            if (result.isError()) {
                throw new JsonException("the JSON is not valid UTF-8 (at byte " + (buf.position() - offset) + ")");
            }
            out.clear();
            if (result.isUnderflow()) {
                return;
            }
        }
    }

    /**
     * UTF-8 as Java's encoder writes it, except that a lone surrogate becomes its own three bytes
     * (not '?'), so that the parser can refuse it where it stands.
     */
    private static byte[] encode(String s) {
        int n = s.length();
        int size = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                size++;
            } else if (c < 0x800) {
                size += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                size += 4;
                i++;
            } else {
                size += 3;
            }
        }
        byte[] b = new byte[size];
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[o++] = (byte) c;
            } else if (c < 0x800) {
                b[o++] = (byte) (0xC0 | (c >> 6));
                b[o++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[o++] = (byte) (0xF0 | (cp >> 18));
                b[o++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[o++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[o++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                b[o++] = (byte) (0xE0 | (c >> 12));
                b[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[o++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return b;
    }

    // ---- where the reading is ----

    /** After the top value: with {@code whole}, nothing but whitespace may follow it. */
    void finish(boolean whole) {
        if (whole) {
            skipSpace();
            if (pos < end) {
                throw error("expected the end of the input after the JSON value");
            }
        }
    }

    /** The first byte of the value at {@link #pos} (whitespace before it is already skipped); 0 at the end. */
    byte peek() {
        return pos < end ? in[pos] : 0;
    }

    void skipSpace() {
        while (pos < end) {
            byte c = in[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    // ---- objects and arrays, a piece at a time ----

    /** At '{': true if a field follows (then at its name), false for {@code {}}. */
    boolean objectStart() {
        enter();
        pos++;
        skipSpace();
        if (pos < end && in[pos] == '}') {
            pos++;
            depth--;
            return false;
        }
        expectKey();
        return true;
    }

    /** At a field name: reads it and the ':' after it; leaves pos at the value. */
    String key() {
        String key = string();
        skipSpace();
        if (pos >= end || in[pos] != ':') {
            throw error("expected ':' after the field name '" + key + "'");
        }
        pos++;
        skipSpace();
        return key;
    }

    /**
     * At a field name: if it is {@code quoted} (a name in quotes, as UTF-8 without escapes), reads it
     * and the ':' after it and answers true; else answers false and leaves pos where it was.
     * Cheaper than {@link #key()} for the names a record expects.
     */
    boolean key(byte[] quoted) {
        int stop = pos + quoted.length;
        if (stop > end || !Arrays.equals(quoted, 0, quoted.length, in, pos, stop)) {
            return false;
        }
        int at = pos;
        pos = stop;
        skipSpace();
        if (pos >= end || in[pos] != ':') {
            pos = at; // key() names what is wrong
            return false;
        }
        pos++;
        skipSpace();
        return true;
    }

    /** After a field's value: true if another field follows (then at its name), false after '}'. */
    boolean objectNext(String key) {
        skipSpace();
        if (pos < end && in[pos] == ',') {
            pos++;
            skipSpace();
            expectKey();
            return true;
        }
        if (pos < end && in[pos] == '}') {
            pos++;
            depth--;
            return false;
        }
        throw error("expected ',' or '}' after the value of '" + key + "'");
    }

    private void expectKey() {
        if (pos >= end || in[pos] != '"') {
            throw error("expected a field name in double quotes");
        }
    }

    /** The error for a key given twice; {@code keyAt} is where its second one starts. */
    JsonException duplicate(int keyAt, String key) {
        refused = true;
        return new JsonException(where(keyAt) + ": duplicate key '" + key + "': each key may appear once per object");
    }

    /** At '[': true if an element follows (then at it), false for {@code []}. */
    boolean arrayStart() {
        enter();
        pos++;
        skipSpace();
        if (pos < end && in[pos] == ']') {
            pos++;
            depth--;
            return false;
        }
        return true;
    }

    /** After an element: true if another follows (then at it), false after ']'. */
    boolean arrayNext() {
        skipSpace();
        if (pos < end && in[pos] == ',') {
            pos++;
            skipSpace();
            return true;
        }
        if (pos < end && in[pos] == ']') {
            pos++;
            depth--;
            return false;
        }
        throw error("expected ',' or ']' after an element of the array");
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("the JSON nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    // ---- whole values ----

    /** The value at pos as a tree. */
    JsonValue tree() {
        switch (peek()) {
            case '{' -> {
                LinkedHashMap<String, JsonValue> fields = new LinkedHashMap<>();
                if (objectStart()) {
                    String key;
                    do {
                        int keyAt = pos;
                        key = key();
                        if (fields.containsKey(key)) {
                            throw duplicate(keyAt, key);
                        }
                        fields.put(key, tree());
                    } while (objectNext(key));
                }
                return JsonObject.owning(fields);
            }
            case '[' -> {
                ArrayList<JsonValue> elements = new ArrayList<>();
                if (arrayStart()) {
                    do {
                        elements.add(tree());
                    } while (arrayNext());
                }
                return JsonArray.owning(elements);
            }
            case '"' -> {
                return new JsonString(string());
            }
            case 't' -> {
                literal("true");
                return JsonBoolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return JsonBoolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return JsonNull.NULL;
            }
            default -> {
                if (isNumberStart()) {
                    int start = number();
                    return new JsonNumber(text(start, pos));
                }
                throw error(VALUE);
            }
        }
    }

    /** Checks the value at pos as {@link #tree()} does, keeping nothing but an object's keys (for duplicates). */
    void skip() {
        switch (peek()) {
            case '{' -> {
                if (objectStart()) {
                    String first = null;
                    Set<String> keys = null;
                    String key;
                    do {
                        int keyAt = pos;
                        key = key();
                        if (first == null) {
                            first = key;
                        } else {
                            if (keys == null) {
                                keys = new HashSet<>();
                                keys.add(first);
                            }
                            if (!keys.add(key)) {
                                throw duplicate(keyAt, key);
                            }
                        }
                        skip();
                    } while (objectNext(key));
                }
            }
            case '[' -> {
                if (arrayStart()) {
                    do {
                        skip();
                    } while (arrayNext());
                }
            }
            case '"' -> scanString(null);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (!isNumberStart()) {
                    throw error(VALUE);
                }
                number();
            }
        }
    }

    /** At 'n': whether the value is the literal null (then read); false leaves pos where it was. */
    boolean nullLiteral() {
        if (peek() != 'n') {
            return false;
        }
        literal("null");
        return true;
    }

    /** At 't' or 'f': the literal. */
    boolean bool() {
        if (peek() == 't') {
            literal("true");
            return true;
        }
        literal("false");
        return false;
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || in[pos + i] != word.charAt(i)) {
                throw error(VALUE);
            }
        }
        pos += word.length();
    }

    // ---- strings ----

    /** At the opening quote; returns the decoded string and leaves pos after the closing quote. */
    String string() {
        int start = pos + 1;
        int hash = 0;
        // the common case: ASCII, no escape, nothing to refuse
        for (int i = start; i < end; i++) {
            byte c = in[i];
            if (c == '"') {
                pos = i + 1;
                return ascii(start, i, hash);
            }
            if (c == '\\' || c < 0x20) { // a negative byte is non-ASCII
                break;
            }
            hash = 31 * hash + c;
        }
        StringBuilder sb = new StringBuilder();
        scanString(sb);
        return sb.toString();
    }

    private String ascii(int start, int stop, int hash) {
        int length = stop - start;
        if (length > CACHED_LENGTH || cache == null) {
            return new String(in, start, length, StandardCharsets.ISO_8859_1);
        }
        int slot = (hash ^ (hash >>> 10)) & (CACHE_SLOTS - 1);
        byte[] b = cachedBytes[slot];
        if (b != null && Arrays.equals(b, 0, b.length, in, start, stop)) {
            return cache[slot];
        }
        b = Arrays.copyOfRange(in, start, stop);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        cachedBytes[slot] = b;
        cache[slot] = s;
        return s;
    }

    /**
     * At the opening quote: checks the string, decoding it into {@code sb} unless that is null,
     * and leaves pos after the closing quote.
     */
    private void scanString(StringBuilder sb) {
        int start = ++pos;
        while (true) {
            if (pos >= end) {
                throw error("expected '\"' to end the string (it began at " + where(start - 1) + ")");
            }
            int c = in[pos];
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\\') {
                escape(sb);
                continue;
            }
            if (c >= 0x20) {
                if (sb != null) {
                    sb.append((char) c);
                }
                pos++;
                continue;
            }
            if (c >= 0) {
                throw error("a control character (U+" + hex4((char) c) + ") in a string must be escaped");
            }
            int cp = codePoint(pos);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                throw error("a lone surrogate (U+" + hex4((char) cp) + ") in a string");
            }
            if (sb != null) {
                sb.appendCodePoint(cp);
            }
            pos += sequenceLength(in[pos]);
        }
    }

    /** At a backslash: the escape, appended to {@code sb} unless null; leaves pos after it. */
    private void escape(StringBuilder sb) {
        pos++;
        if (pos >= end) {
            throw error("expected an escape after '\\'");
        }
        byte e = in[pos];
        char decoded;
        switch (e) {
            case '"', '\\', '/' -> decoded = (char) e;
            case 'b' -> decoded = '\b';
            case 'f' -> decoded = '\f';
            case 'n' -> decoded = '\n';
            case 'r' -> decoded = '\r';
            case 't' -> decoded = '\t';
            case 'u' -> {
                char u = unicodeEscape();
                if (Character.isHighSurrogate(u)) {
                    if (pos + 2 < end && in[pos + 1] == '\\' && in[pos + 2] == 'u') {
                        pos += 2;
                        char low = unicodeEscape();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("expected a low surrogate (\\uDC00 to \\uDFFF) after \\u" + hex4(u));
                        }
                        if (sb != null) {
                            sb.append(u);
                        }
                        decoded = low;
                    } else {
                        throw error("expected a low surrogate escape (\\uDC00 to \\uDFFF) after \\u" + hex4(u));
                    }
                } else if (Character.isLowSurrogate(u)) {
                    throw error("a low surrogate \\u" + hex4(u) + " without a high one before it");
                } else {
                    decoded = u;
                }
            }
            default -> throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        }
        if (sb != null) {
            sb.append(decoded);
        }
        pos++;
    }

    /** At the 'u' of {@code \\uXXXX}; leaves pos at its last digit. */
    private char unicodeEscape() {
        if (pos + 4 >= end) {
            pos = Math.min(pos + 1, end);
            throw error("expected four hex digits after \\u");
        }
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            byte b = in[pos + i];
            int d = b >= 0 ? Character.digit((char) b, 16) : -1;
            if (d < 0) {
                pos += i;
                throw error("expected four hex digits after \\u");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    /** The code point of the (checked) UTF-8 sequence at {@code i}; a lone surrogate only from a Java string. */
    private int codePoint(int i) {
        int b = in[i] & 0xFF;
        if (b < 0x80) {
            return b;
        }
        if (b < 0xE0) {
            return ((b & 0x1F) << 6) | (in[i + 1] & 0x3F);
        }
        if (b < 0xF0) {
            return ((b & 0x0F) << 12) | ((in[i + 1] & 0x3F) << 6) | (in[i + 2] & 0x3F);
        }
        return ((b & 0x07) << 18) | ((in[i + 1] & 0x3F) << 12) | ((in[i + 2] & 0x3F) << 6) | (in[i + 3] & 0x3F);
    }

    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    }

    // ---- numbers ----

    boolean isNumberStart() {
        byte c = peek();
        return c == '-' || (c >= '0' && c <= '9');
    }

    /** At a number: checks it, leaves pos after it and returns where it began. */
    int number() {
        int start = pos;
        int after = numberEnd(in, pos, end);
        if (after < 0) {
            pos = -after - 1;
            throw error("expected a digit in the number");
        }
        pos = after;
        return start;
    }

    String text(int start, int stop) {
        return new String(in, start, stop - start, StandardCharsets.ISO_8859_1);
    }

    /** Whether the number in [start, stop) is an optional '-' and at most 18 digits: it fits a long as is. */
    boolean plainInteger(int start, int stop) {
        int i = in[start] == '-' ? start + 1 : start;
        if (stop - i > 18) {
            return false;
        }
        for (; i < stop; i++) {
            if (in[i] < '0' || in[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** The value of a {@link #plainInteger}. */
    long plainLong(int start, int stop) {
        boolean negative = in[start] == '-';
        long v = 0;
        for (int i = negative ? start + 1 : start; i < stop; i++) {
            v = v * 10 + (in[i] - '0');
        }
        return negative ? -v : v;
    }

    /**
     * Where RFC 8259's number starting at {@code i} ends; {@code -(where it went wrong) - 1} if it
     * is not one. A leading zero ends the integer part ("01" is "0" then "1", refused by the caller).
     */
    private static int numberEnd(byte[] s, int i, int end) {
        if (i < end && s[i] == '-') {
            i++;
        }
        if (i >= end || !digit(s[i])) {
            return -i - 1;
        }
        if (s[i] == '0') {
            i++;
        } else {
            while (i < end && digit(s[i])) {
                i++;
            }
        }
        if (i < end && s[i] == '.') {
            i++;
            if (i >= end || !digit(s[i])) {
                return -i - 1;
            }
            while (i < end && digit(s[i])) {
                i++;
            }
        }
        if (i < end && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            if (i < end && (s[i] == '+' || s[i] == '-')) {
                i++;
            }
            if (i >= end || !digit(s[i])) {
                return -i - 1;
            }
            while (i < end && digit(s[i])) {
                i++;
            }
        }
        return i;
    }

    static boolean isNumber(String s) {
        // a character beyond Latin-1 becomes '?', which no number holds
        return s != null && !s.isEmpty() && numberEnd(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length()) == s.length();
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    // ---- errors ----

    JsonException error(String expected) {
        refused = true;
        return new JsonException(where(pos) + ": " + expected + ", found " + found());
    }

    private String found() {
        if (pos >= end) {
            return "the end of the input";
        }
        int cp = codePoint(pos);
        // a character beyond the BMP is shown as its first UTF-16 unit, as a Java string holds it
        char c = Character.isSupplementaryCodePoint(cp) ? Character.highSurrogate(cp) : (char) cp;
        if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
            return "U+" + hex4(c);
        }
        if (c == '\'') {
            return "\"'\"";
        }
        return "'" + c + "'";
    }

    /** "line L, column C" of a byte position, the column in UTF-16 units: counted only when an error needs it. */
    private String where(int at) {
        int line = 1;
        int column = 1;
        for (int i = begin; i < at && i < end; i++) {
            byte b = in[i];
            if (b == '\n') {
                line++;
                column = 1;
            } else if ((b & 0xC0) != 0x80) { // not a continuation byte: a character starts
                column += (b & 0xF8) == 0xF0 ? 2 : 1;
            }
        }
        return "line " + line + ", column " + column;
    }

    private static String hex4(char c) {
        String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(h.length()) + h;
    }
}
