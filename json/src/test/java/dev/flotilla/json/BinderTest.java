package dev.flotilla.json;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinderTest {
    enum Color { RED, GREEN }

    record Inner(String name, int n) {
    }

    record All(String s, int i, long l, double d, boolean b, Integer boxed, Boolean flag, Double ratio, Color color,
               List<Inner> inners, Set<String> tags, Map<String, Long> counts, Inner[] array, JsonValue raw) {
    }

    @JsonOmit(JsonOmit.When.EMPTY)
    record Sparse(String s, List<String> list, Map<String, String> map, String[] array, int zero, boolean no,
                  Inner inner, @JsonOmit(JsonOmit.When.NULL) String keptEmpty) {
    }

    @JsonOmit(JsonOmit.When.NULL)
    record NonNull(String s, List<String> list, Boolean b) {
    }

    record Checked(String name) {
        Checked {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a name is required");
            }
        }
    }

    private record Hidden(String secret) {
    }

    @Test
    void recordsRoundTripInComponentOrder() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("z", 1L);
        counts.put("a", -2L);
        All all = new All("s\u0001", 7, Long.MIN_VALUE, 0.25, true, null, false, 1e-7, Color.GREEN,
                List.of(new Inner("x", 1)), Set.of("t"), counts, new Inner[]{new Inner("y", 2)},
                Json.parse("{\"k\":[1,null]}"));
        String json = Json.writeString(all);
        assertEquals("{\"s\":\"s\\u0001\",\"i\":7,\"l\":-9223372036854775808,\"d\":0.25,\"b\":true,\"boxed\":null,"
                + "\"flag\":false,\"ratio\":1.0E-7,\"color\":\"GREEN\",\"inners\":[{\"name\":\"x\",\"n\":1}],"
                + "\"tags\":[\"t\"],\"counts\":{\"z\":1,\"a\":-2},\"array\":[{\"name\":\"y\",\"n\":2}],"
                + "\"raw\":{\"k\":[1,null]}}", json);
        All back = Json.read(json, All.class, Json.Unknown.REFUSE);
        assertEquals(all.s(), back.s());
        assertEquals(all.l(), back.l());
        assertEquals(all.inners(), back.inners());
        assertEquals(all.counts(), back.counts());
        assertEquals(List.of("z", "a"), List.copyOf(back.counts().keySet()));
        assertArrayEquals(all.array(), back.array());
        assertEquals(all.raw(), back.raw());
        assertEquals(Color.GREEN, back.color());
        assertEquals(all.ratio(), back.ratio());
    }

    @Test
    void missingFieldsAreNullZeroOrFalse() {
        All a = Json.read("{}", All.class, Json.Unknown.REFUSE);
        assertEquals(new All(null, 0, 0, 0, false, null, null, null, null, null, null, null, null, null), a);
        All n = Json.read("{\"i\":null,\"b\":null,\"s\":null}", All.class, Json.Unknown.REFUSE);
        assertEquals(0, n.i());
    }

    @Test
    void omissionFollowsJacksonsNonEmptyAndNonNull() {
        assertEquals("{\"zero\":0,\"no\":false,\"keptEmpty\":\"\"}",
                Json.writeString(new Sparse("", List.of(), Map.of(), new String[0], 0, false, null, "")));
        assertEquals("{\"zero\":0,\"no\":false}",
                Json.writeString(new Sparse(null, null, null, null, 0, false, null, null)));
        assertEquals("{\"s\":\"\",\"list\":[]}", Json.writeString(new NonNull("", List.of(), null)));
    }

    @Test
    void unknownFieldsAreIgnoredOrRefusedByName() {
        assertEquals(new Inner("a", 1), Json.read("{\"name\":\"a\",\"n\":1,\"later\":{\"x\":[]}}", Inner.class,
                Json.Unknown.IGNORE));
        JsonUnknownFieldException e = assertThrows(JsonUnknownFieldException.class,
                () -> Json.read("[{\"name\":\"a\",\"nmae\":1}]", Inner[].class, Json.Unknown.REFUSE));
        assertEquals("nmae", e.field());
        assertEquals(List.of("n", "name"), e.known());
        assertEquals("at [0]: unknown field 'nmae' (known: n, name)", e.getMessage());
    }

    @Test
    void wrongShapesAreRefusedWithThePathOfTheField() {
        assertEquals("at inners[1].name: expected a string, found a number (5)", assertThrows(JsonException.class,
                () -> Json.read("{\"inners\":[{\"name\":\"a\"},{\"name\":5}]}", All.class, Json.Unknown.REFUSE)).getMessage());
        assertEquals("at i: expected a whole number, found a number (1.5)", assertThrows(JsonException.class,
                () -> Json.read("{\"i\":1.5}", All.class, Json.Unknown.REFUSE)).getMessage());
        assertEquals(3, Json.read("{\"i\":3.0}", All.class, Json.Unknown.REFUSE).i());
        assertEquals("at i: expected a number from -2147483648 to 2147483647, found a number (2147483648)",
                assertThrows(JsonException.class, () -> Json.read("{\"i\":2147483648}", All.class, Json.Unknown.REFUSE))
                        .getMessage());
        assertEquals("at l: expected a number from -9223372036854775808 to 9223372036854775807, found a number (1e30)",
                assertThrows(JsonException.class, () -> Json.read("{\"l\":1e30}", All.class, Json.Unknown.REFUSE))
                        .getMessage());
        assertEquals("at b: expected true or false, found a string", assertThrows(JsonException.class,
                () -> Json.read("{\"b\":\"true\"}", All.class, Json.Unknown.REFUSE)).getMessage());
        assertEquals("at color: expected one of [RED, GREEN], found \"BLUE\"", assertThrows(JsonException.class,
                () -> Json.read("{\"color\":\"BLUE\"}", All.class, Json.Unknown.REFUSE)).getMessage());
        assertEquals("expected an object, found an array", assertThrows(JsonException.class,
                () -> Json.read("[]", Inner.class, Json.Unknown.REFUSE)).getMessage());
        assertEquals("at tags: expected an array, found a string", assertThrows(JsonException.class,
                () -> Json.read("{\"tags\":\"t\"}", All.class, Json.Unknown.REFUSE)).getMessage());
    }

    @Test
    void aConstructorsRefusalNamesTheRecord() {
        assertEquals("cannot make a Checked: a name is required", assertThrows(JsonException.class,
                () -> Json.read("{}", Checked.class, Json.Unknown.REFUSE)).getMessage());
    }

    @Test
    void privateRecordsAndMapsOfAnyOrder() {
        assertEquals("{\"secret\":\"s\"}", Json.writeString(new Hidden("s")));
        assertEquals(new Hidden("s"), Json.read("{\"secret\":\"s\"}", Hidden.class, Json.Unknown.REFUSE));
        assertEquals("[1,\"NaN\",null,\"RED\"]", Json.writeString(java.util.Arrays.asList(1, Double.NaN, null, Color.RED)));
        assertThrows(JsonException.class, () -> Json.write(new Object()));
        assertThrows(JsonException.class, () -> Json.write(JsonMissing.MISSING));
    }

    @Test
    void streamingWritesTheSameBytes() throws Exception {
        List<Inner> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            many.add(new Inner("unit-" + i + "-é\uD83D\uDE80\"", i));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Json.write(many, out);
        assertArrayEquals(Json.write(many), out.toByteArray());
        List<java.nio.ByteBuffer> chunks = Json.writeChunks(many);
        assertTrue(chunks.size() > 10, "a 600 KB answer in chunks, not one buffer: " + chunks.size());
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (java.nio.ByteBuffer c : chunks) {
            assertTrue(c.remaining() <= 64 << 10, "a chunk of " + c.remaining() + " bytes");
            byte[] part = new byte[c.remaining()];
            c.get(part);
            joined.write(part);
        }
        assertArrayEquals(out.toByteArray(), joined.toByteArray());
    }

    @Test
    void aSmallValueIsOneChunk() {
        List<java.nio.ByteBuffer> chunks = Json.writeChunks(new Inner("a", 1));
        assertEquals(1, chunks.size());
        assertEquals(Json.writeString(new Inner("a", 1)),
                java.nio.charset.StandardCharsets.UTF_8.decode(chunks.get(0)).toString());
    }
}
