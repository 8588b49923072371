package dev.flotilla.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParserTest {
    private static String refusal(String json) {
        return assertThrows(JsonException.class, () -> Json.parse(json)).getMessage();
    }

    @Test
    void readsEveryKindOfValue() {
        JsonValue v = Json.parse(" {\"b\": [1, -2.5e3, 0, 0.5E-2], \"a\": {\"t\": true, \"f\": false, \"n\": null},"
                + " \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE80é\"}\n");
        assertEquals(List.of("b", "a", "s"), v.fieldNames());
        assertEquals(new JsonArray(List.of(new JsonNumber("1"), new JsonNumber("-2.5e3"), new JsonNumber("0"),
                new JsonNumber("0.5E-2"))), v.path("b"));
        assertTrue(v.path("a").path("t").asBoolean());
        assertTrue(v.path("a").path("n").isNull());
        assertTrue(v.path("a").has("n"));
        assertTrue(v.path("a").path("zz").isMissing());
        assertFalse(v.path("a").has("zz"));
        assertEquals("x\"\\/\b\f\n\r\té\uD83D\uDE80é", v.path("s").asText());
        assertEquals(-2500, v.path("b").path(1).asLong());
        assertEquals(0.005, v.path("b").path(3).asDouble());
        assertEquals("-2.5e3", v.path("b").path(1).asText(), "numbers keep their exact text");
    }

    @Test
    void numbersKeepEveryDigit() {
        JsonNumber n = (JsonNumber) Json.parse("123456789012345678901234567890.000");
        assertEquals("123456789012345678901234567890.000", n.text());
        assertEquals("123456789012345678901234567890.000", Json.writeString(n));
    }

    @Test
    void malformedTextIsRefusedWithLineColumnAndWhatWasExpected() {
        assertEquals("line 1, column 8: expected ',' or '}' after the value of 'a', found '2'", refusal("{\"a\":1 2}"));
        assertEquals("line 2, column 3: expected a field name in double quotes, found \"'\"", refusal("{\n  'a': 1}"));
        assertEquals("line 1, column 6: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found the end of the input", refusal("{\"a\":"));
        assertEquals("line 1, column 1: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found the end of the input", refusal(""));
        assertEquals("line 1, column 3: expected the end of the input after the JSON value, found '{'", refusal("{}{}"));
        assertEquals("line 1, column 2: expected the end of the input after the JSON value, found '1'", refusal("01"));
        assertEquals("line 1, column 4: expected a digit in the number, found ']'", refusal("[1.]"));
        assertEquals("line 1, column 2: expected a digit in the number, found 'x'", refusal("-x"));
        assertEquals("line 1, column 1: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found 'N'", refusal("NaN"));
        assertEquals("line 1, column 2: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found 'F'", refusal("[FALSE]"));
        assertEquals("line 1, column 5: expected ',' or ']' after an element of the array, found the end of the input",
                refusal("[1,2"));
        assertEquals("line 1, column 5: expected ':' after the field name 'a', found '1'", refusal("{\"a\" 1}".replace(" ", "")));
        assertEquals("line 1, column 3: a control character (U+000A) in a string must be escaped, found U+000A",
                refusal("\"a\nb\""));
        assertEquals("line 1, column 3: expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, found 'x'",
                refusal("\"\\x\""));
        assertEquals("line 1, column 5: expected four hex digits after \\u, found 'g'", refusal("\"\\u0g00\""));
        assertEquals("line 1, column 4: expected '\"' to end the string (it began at line 1, column 1),"
                + " found the end of the input", refusal("\"ab"));
        assertEquals("line 1, column 2: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found '/'", refusal("[/* no comments */1]"));
        assertEquals("line 1, column 8: expected a field name in double quotes, found '}'", refusal("{\"a\":1,}"));
    }

    @Test
    void loneSurrogatesAreRefused() {
        assertTrue(refusal("\"\\uD83D\"").contains("expected a low surrogate escape"));
        assertTrue(refusal("\"\\uD83D\\u0041\"").contains("expected a low surrogate"));
        assertTrue(refusal("\"\\uDE80\"").contains("a low surrogate \\uDE80 without a high one"));
        assertTrue(refusal("\"\uDE80\"").contains("a lone surrogate (U+DE80)"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtItsSecondPlace() {
        assertEquals("line 1, column 23: duplicate key 'name': each key may appear once per object",
                refusal("[{\"name\":1},{\"name\":2,\"name\":3}]"));
        // the same name in different objects is fine
        Json.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
    }

    @Test
    void deepNestingIsRefusedBeforeTheStackRunsOut() {
        String ok = "[".repeat(Parser.MAX_DEPTH) + "]".repeat(Parser.MAX_DEPTH);
        assertEquals(1, Json.parse(ok).size());
        String deep = "[".repeat(Parser.MAX_DEPTH + 1) + "]".repeat(Parser.MAX_DEPTH + 1);
        assertEquals("line 1, column 513: the JSON nests deeper than 512 levels, found '['", refusal(deep));
        String hostile = "{\"a\":".repeat(100_000);
        assertTrue(refusal(hostile).contains("nests deeper than 512 levels"));
    }

    @Test
    void bytesMustBeUtf8() {
        byte[] bad = {'"', (byte) 0xc3, '"'};
        assertEquals("the JSON is not valid UTF-8 (at byte 1)",
                assertThrows(JsonException.class, () -> Json.parse(bad)).getMessage());
        assertEquals("é", Json.parse("\"é\"".getBytes(StandardCharsets.UTF_8)).asText());
    }

    @Test
    void parseFirstLeavesWhatFollowsUnread() {
        assertEquals(1, Json.parseFirst("{\"a\":1} trailing }".getBytes(StandardCharsets.UTF_8)).path("a").asInt());
        assertThrows(JsonException.class, () -> Json.parse("{\"a\":1} trailing"));
    }

    @Test
    void numbersAreCheckedWhenMadeInCode() {
        assertThrows(JsonException.class, () -> new JsonNumber("01"));
        assertThrows(JsonException.class, () -> new JsonNumber("1."));
        assertThrows(JsonException.class, () -> JsonNumber.of(Double.NaN));
        assertEquals("5.0", JsonNumber.of(5.0).text());
    }
}
