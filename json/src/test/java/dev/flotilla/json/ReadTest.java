package dev.flotilla.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Json#read}: records bound as the bytes are parsed, as strictly as {@link Json#parse}. */
class ReadTest {
    record State(String name, String machineID, String active, long answers, int restarts) {
    }

    record Page(List<State> states, String next) {
    }

    record Holder(String name, JsonValue raw, Map<String, Integer> counts) {
    }

    private static String refusal(String json, Class<?> type, Json.Unknown unknown) {
        return assertThrows(JsonException.class, () -> Json.read(json.getBytes(StandardCharsets.UTF_8), type, unknown))
                .getMessage();
    }

    @Test
    void aKeyGivenTwiceIsRefusedWhetherTheRecordKnowsItOrNot() {
        assertEquals("line 1, column 24: duplicate key 'name': each key may appear once per object",
                refusal("{\"states\":[{\"name\":\"a\",\"name\":\"b\"}]}", Page.class, Json.Unknown.IGNORE));
        assertEquals("line 1, column 22: duplicate key 'later': each key may appear once per object",
                refusal("{\"later\":1,\"next\":\"\",\"later\":2}", Page.class, Json.Unknown.IGNORE));
        // inside a skipped value too
        assertEquals("line 1, column 17: duplicate key 'x': each key may appear once per object",
                refusal("{\"later\":{\"x\":1,\"x\":2}}", Page.class, Json.Unknown.IGNORE));
        assertEquals("line 1, column 18: duplicate key 'k': each key may appear once per object",
                refusal("{\"counts\":{\"k\":1,\"k\":2}}", Holder.class, Json.Unknown.REFUSE));
    }

    @Test
    void anUnknownFieldIsRefusedByNameWhereverItIs() {
        JsonUnknownFieldException e = assertThrows(JsonUnknownFieldException.class, () -> Json.read(
                "{\"states\":[{\"name\":\"a\"},{\"name\":\"b\",\"machineId\":\"m\"}]}".getBytes(StandardCharsets.UTF_8),
                Page.class, Json.Unknown.REFUSE));
        assertEquals("states[1]", e.where());
        assertEquals("machineId", e.field());
        assertEquals(List.of("active", "answers", "machineID", "name", "restarts"), e.known());
        // ignored, it is checked but kept nowhere
        assertEquals(new Page(List.of(new State("b", null, null, 0, 0)), "n"), Json.read(
                "{\"states\":[{\"name\":\"b\",\"newer\":{\"deep\":[1,{\"x\":null}]}}],\"next\":\"n\"}",
                Page.class, Json.Unknown.IGNORE));
    }

    @Test
    void aMalformedDocumentIsRefusedAsSuchEvenAfterAValueThatDoesNotFit() {
        // the wrong type comes first in the text, the syntax error after it: parsing whole first said the latter
        assertEquals("line 1, column 19: expected ',' or '}' after the value of 'n', found ']'",
                refusal("{\"name\":5,\"n\":true]", State.class, Json.Unknown.IGNORE));
        assertEquals("line 1, column 23: duplicate key 'name': each key may appear once per object",
                refusal("{\"name\":\"a\",\"bogus\":1,\"name\":2}", State.class, Json.Unknown.REFUSE));
        // a well-formed document that does not fit is refused for that
        assertEquals("at name: expected a string, found a number (5)",
                refusal("{\"name\":5,\"n\":true}", State.class, Json.Unknown.IGNORE));
        assertEquals("line 1, column 4: expected the end of the input after the JSON value, found '1'",
                refusal("{} 1", State.class, Json.Unknown.IGNORE));
    }

    @Test
    void nestingIsLimitedInEveryPathOfTheReading() {
        int over = Parser.MAX_DEPTH + 1;
        String deep = "[".repeat(over) + "]".repeat(over);
        String expected = "the JSON nests deeper than 512 levels";
        assertTrue(refusal("{\"raw\":" + deep + "}", Holder.class, Json.Unknown.REFUSE).contains(expected));
        assertTrue(refusal("{\"later\":" + deep + "}", Holder.class, Json.Unknown.IGNORE).contains(expected));
        assertTrue(refusal(deep, List.class, Json.Unknown.IGNORE).contains(expected));
        String hostile = "{\"states\":".repeat(100_000);
        assertTrue(refusal(hostile, Page.class, Json.Unknown.IGNORE).contains(expected));
        // at the limit it is read
        String ok = "[".repeat(Parser.MAX_DEPTH - 1) + "]".repeat(Parser.MAX_DEPTH - 1);
        assertEquals(1, Json.read("{\"raw\":" + ok + "}", Holder.class, Json.Unknown.REFUSE).raw().size());
    }

    @Test
    void invalidUtf8IsRefusedBeforeAnythingIsBound() {
        byte[] bad = "{\"name\":\"caf?\"}".getBytes(StandardCharsets.UTF_8);
        bad[12] = (byte) 0xc3; // a lead byte followed by '"'
        assertEquals("the JSON is not valid UTF-8 (at byte 12)",
                assertThrows(JsonException.class, () -> Json.read(bad, State.class, Json.Unknown.IGNORE)).getMessage());
        byte[] overlong = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
        assertThrows(JsonException.class, () -> Json.read(overlong, String.class, Json.Unknown.IGNORE));
        byte[] surrogate = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        assertThrows(JsonException.class, () -> Json.read(surrogate, String.class, Json.Unknown.IGNORE));
        assertEquals("é\uD83D\uDE80", Json.read("\"é\uD83D\uDE80\"".getBytes(StandardCharsets.UTF_8), String.class,
                Json.Unknown.IGNORE));
    }

    @Test
    void columnsCountCharactersNotBytes() {
        assertEquals("line 2, column 7: expected ',' or ']' after an element of the array, found 'x'",
                refusal("[\"é\",\n \"\uD83D\uDE80\" x]", List.class, Json.Unknown.IGNORE));
        assertEquals("line 1, column 2: expected a JSON value (an object, array, string, number, true, false or null),"
                + " found 'é'", refusal("[é]", List.class, Json.Unknown.IGNORE));
        assertTrue(assertThrows(JsonException.class, () -> Json.read("[\"\uDE80\"]", List.class, Json.Unknown.IGNORE))
                .getMessage().startsWith("line 1, column 3: a lone surrogate (U+DE80) in a string"));
    }

    @Test
    void repeatedShortStringsAreOneStringPerReadOfALargeDocument() {
        String large = " ".repeat(16 << 10); // only large documents share their strings
        List<State> states = Json.read("{\"states\":[{\"name\":\"a\",\"machineID\":\"m1\",\"active\":\"active\"},"
                + "{\"name\":\"b\",\"machineID\":\"m1\",\"active\":\"active\"}]}" + large, Page.class, Json.Unknown.REFUSE)
                .states();
        assertSame(states.get(0).machineID(), states.get(1).machineID());
        assertSame(states.get(0).active(), states.get(1).active());
        assertEquals("m1", states.get(1).machineID());
        // escaped and non-ASCII strings are read whole, never mixed up with a cached one
        List<String> mixed = List.of("m1", "m\\u0031", "é", "m1");
        @SuppressWarnings("unchecked")
        List<Object> back = Json.read("[\"" + String.join("\",\"", mixed) + "\"]" + large, List.class, Json.Unknown.IGNORE);
        assertEquals(List.of(new JsonString("m1"), new JsonString("m1"), new JsonString("é"), new JsonString("m1")), back);
    }

    @Test
    void numbersTakeTheFastPathAndTheExactOneAlike() {
        record Numbers(long l, int i, Long boxed, double d) {
        }
        assertEquals(new Numbers(Long.MIN_VALUE, -2147483648, 999999999999999999L, -0.0),
                Json.read("{\"l\":-9223372036854775808,\"i\":-2147483648,\"boxed\":999999999999999999,\"d\":-0.0}",
                        Numbers.class, Json.Unknown.REFUSE));
        assertEquals(new Numbers(100, 3, 0L, 1e300), Json.read("{\"l\":1e2,\"i\":3.0,\"boxed\":-0,\"d\":1e300}",
                Numbers.class, Json.Unknown.REFUSE));
        assertEquals("at l: expected a number from -9223372036854775808 to 9223372036854775807, found a number"
                + " (9223372036854775808)", refusal("{\"l\":9223372036854775808}", Numbers.class, Json.Unknown.REFUSE));
        assertEquals("at i: expected a number from -2147483648 to 2147483647, found a number (-2147483649)",
                refusal("{\"i\":-2147483649}", Numbers.class, Json.Unknown.REFUSE));
        assertEquals("at boxed: expected a number, found a string", refusal("{\"boxed\":\"1\"}", Numbers.class,
                Json.Unknown.REFUSE));
    }

    @Test
    void partsOfTheBytesAndTheLeadingValue() {
        byte[] bytes = "xx{\"name\":\"a\"}\n{\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("a", Json.read(bytes, 2, 12, State.class, Json.Unknown.REFUSE).name());
        assertEquals("b", Json.readFirst("{\"name\":\"b\"} trailing }".getBytes(StandardCharsets.UTF_8), State.class,
                Json.Unknown.IGNORE).name());
        assertThrows(JsonException.class, () -> Json.read(bytes, 2, 14, State.class, Json.Unknown.REFUSE));
    }

    @Test
    void aJsonValuePartIsATreeAndTheRestIsBound() {
        Holder h = Json.read("{\"name\":\"n\",\"raw\":{\"b\":[1,\"x\"],\"a\":null},\"counts\":{\"z\":1,\"a\":2}}",
                Holder.class, Json.Unknown.REFUSE);
        assertEquals(Json.parse("{\"b\":[1,\"x\"],\"a\":null}"), h.raw());
        assertEquals(List.of("z", "a"), List.copyOf(h.counts().keySet()));
        assertEquals(h, Json.bind(Json.tree(h), Holder.class, Json.Unknown.REFUSE));
    }
}
