package dev.flotilla.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;

/**
 * RFC 8259 JSON to a {@link JsonValue} tree, strictly: no comments, no single quotes, no
 * leading zeros, no NaN, no raw control characters in strings, no lone surrogates, no key twice
 * in one object, at most {@link #MAX_DEPTH} levels (hostile input must not exhaust the stack).
 * Errors name the line and column (1-based, in characters) and what was expected there.
 */
final class Parser {
    static final int MAX_DEPTH = 512;

    private final String in;
    private final int end;
    private int pos;
    private int depth;

    private Parser(String in) {
        this.in = in;
        this.end = in.length();
    }

    /** @param whole whether anything but whitespace may follow the value (false: it is not read) */
    static JsonValue parse(String text, boolean whole) {
        Parser p = new Parser(text);
        p.skipSpace();
        JsonValue v = p.value();
        if (whole) {
            p.skipSpace();
            if (p.pos < p.end) {
                throw p.error("expected the end of the input after the JSON value");
            }
        }
        return v;
    }

    static JsonValue parse(byte[] bytes, int offset, int length, boolean whole) {
        return parse(utf8(bytes, offset, length), whole);
    }

    private static String utf8(byte[] bytes, int offset, int length) {
        boolean ascii = true;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        var result = decoder.decode(buf, out, true);
        if (result.isError()) {
            throw new JsonException("the JSON is not valid UTF-8 (at byte " + (buf.position() - offset) + ")");
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    private JsonValue value() {
        if (pos >= end) {
            throw error("expected a JSON value (an object, array, string, number, true, false or null)");
        }
        char c = in.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return new JsonString(string());
            case 't':
                literal("true");
                return JsonBoolean.TRUE;
            case 'f':
                literal("false");
                return JsonBoolean.FALSE;
            case 'n':
                literal("null");
                return JsonNull.NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("expected a JSON value (an object, array, string, number, true, false or null)");
        }
    }

    private JsonObject object() {
        enter();
        pos++;
        LinkedHashMap<String, JsonValue> fields = new LinkedHashMap<>();
        skipSpace();
        if (pos < end && in.charAt(pos) == '}') {
            pos++;
            depth--;
            return JsonObject.owning(fields);
        }
        while (true) {
            if (pos >= end || in.charAt(pos) != '"') {
                throw error("expected a field name in double quotes");
            }
            int keyAt = pos;
            String key = string();
            if (fields.containsKey(key)) {
                pos = keyAt;
                throw new JsonException(where(pos) + ": duplicate key '" + key + "': each key may appear once per object");
            }
            skipSpace();
            if (pos >= end || in.charAt(pos) != ':') {
                throw error("expected ':' after the field name '" + key + "'");
            }
            pos++;
            skipSpace();
            fields.put(key, value());
            skipSpace();
            if (pos < end && in.charAt(pos) == ',') {
                pos++;
                skipSpace();
            } else if (pos < end && in.charAt(pos) == '}') {
                pos++;
                depth--;
                return JsonObject.owning(fields);
            } else {
                throw error("expected ',' or '}' after the value of '" + key + "'");
            }
        }
    }

    private JsonArray array() {
        enter();
        pos++;
        ArrayList<JsonValue> elements = new ArrayList<>();
        skipSpace();
        if (pos < end && in.charAt(pos) == ']') {
            pos++;
            depth--;
            return JsonArray.owning(elements);
        }
        while (true) {
            elements.add(value());
            skipSpace();
            if (pos < end && in.charAt(pos) == ',') {
                pos++;
                skipSpace();
            } else if (pos < end && in.charAt(pos) == ']') {
                pos++;
                depth--;
                return JsonArray.owning(elements);
            } else {
                throw error("expected ',' or ']' after an element of the array");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("the JSON nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    /** At the opening quote; returns the decoded string and leaves pos after the closing quote. */
    private String string() {
        int start = ++pos;
        // the common case: no escape, nothing to refuse
        for (int i = start; i < end; i++) {
            char c = in.charAt(i);
            if (c == '"') {
                pos = i + 1;
                return in.substring(start, i);
            }
            if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= end) {
                throw error("expected '\"' to end the string (it began at "
                        + where(start - 1) + ")");
            }
            char c = in.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("a control character (U+" + hex4(c) + ") in a string must be escaped");
            }
            if (c == '\\') {
                pos++;
                if (pos >= end) {
                    throw error("expected an escape after '\\'");
                }
                char e = in.charAt(pos);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        char u = unicodeEscape();
                        if (Character.isHighSurrogate(u)) {
                            if (pos + 1 < end && in.charAt(pos + 1) == '\\' && pos + 2 < end && in.charAt(pos + 2) == 'u') {
                                pos += 2;
                                char low = unicodeEscape();
                                if (!Character.isLowSurrogate(low)) {
                                    throw error("expected a low surrogate (\\uDC00 to \\uDFFF) after \\u" + hex4(u));
                                }
                                sb.append(u).append(low);
                            } else {
                                throw error("expected a low surrogate escape (\\uDC00 to \\uDFFF) after \\u" + hex4(u));
                            }
                        } else if (Character.isLowSurrogate(u)) {
                            throw error("a low surrogate \\u" + hex4(u) + " without a high one before it");
                        } else {
                            sb.append(u);
                        }
                    }
                    default -> throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
                pos++;
                continue;
            }
            if (Character.isHighSurrogate(c) && pos + 1 < end && Character.isLowSurrogate(in.charAt(pos + 1))) {
                sb.append(c).append(in.charAt(pos + 1));
                pos += 2;
                continue;
            }
            if (Character.isSurrogate(c)) {
                throw error("a lone surrogate (U+" + hex4(c) + ") in a string");
            }
            sb.append(c);
            pos++;
        }
    }

    /** At the 'u' of {@code \\uXXXX}; leaves pos at its last digit. */
    private char unicodeEscape() {
        if (pos + 4 >= end) {
            pos = Math.min(pos + 1, end);
            throw error("expected four hex digits after \\u");
        }
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            int d = Character.digit(in.charAt(pos + i), 16);
            if (d < 0) {
                pos += i;
                throw error("expected four hex digits after \\u");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private JsonNumber number() {
        int start = pos;
        int after = numberEnd(in, pos, end);
        if (after < 0) {
            pos = -after - 1;
            throw error("expected a digit in the number");
        }
        pos = after;
        return new JsonNumber(in.substring(start, after));
    }

    /**
     * Where RFC 8259's number starting at {@code i} ends; {@code -(where it went wrong) - 1} if it
     * is not one. A leading zero ends the integer part ("01" is "0" then "1", refused by the caller).
     */
    private static int numberEnd(CharSequence s, int i, int end) {
        if (i < end && s.charAt(i) == '-') {
            i++;
        }
        if (i >= end || !digit(s.charAt(i))) {
            return -i - 1;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else {
            while (i < end && digit(s.charAt(i))) {
                i++;
            }
        }
        if (i < end && s.charAt(i) == '.') {
            i++;
            if (i >= end || !digit(s.charAt(i))) {
                return -i - 1;
            }
            while (i < end && digit(s.charAt(i))) {
                i++;
            }
        }
        if (i < end && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < end && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            if (i >= end || !digit(s.charAt(i))) {
                return -i - 1;
            }
            while (i < end && digit(s.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    static boolean isNumber(String s) {
        return s != null && !s.isEmpty() && numberEnd(s, 0, s.length()) == s.length();
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= end || in.charAt(pos + i) != word.charAt(i)) {
                throw error("expected a JSON value (an object, array, string, number, true, false or null)");
            }
        }
        pos += word.length();
    }

    private void skipSpace() {
        while (pos < end) {
            char c = in.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private JsonException error(String expected) {
        return new JsonException(where(pos) + ": " + expected + ", found " + found());
    }

    private String found() {
        if (pos >= end) {
            return "the end of the input";
        }
        char c = in.charAt(pos);
        if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
            return "U+" + hex4(c);
        }
        if (c == '\'') {
            return "\"'\"";
        }
        int cp = in.codePointAt(pos);
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    /** "line L, column C" of a position: counted only when an error needs it. */
    private String where(int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < end; i++) {
            if (in.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    private static String hex4(char c) {
        String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "0000".substring(h.length()) + h;
    }
}
