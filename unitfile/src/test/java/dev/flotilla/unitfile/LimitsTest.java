package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Size, line length and encoding limits: always a UnitFileException with a clear message. */
class LimitsTest {

    /** A valid unit of exactly {@code size} bytes: a header, then comment lines of 1000 bytes. */
    static byte[] unitOfSize(int size) {
        StringBuilder sb = new StringBuilder(size).append("[Unit]\nA=1\n");
        String comment = "#" + "x".repeat(998) + "\n";
        while (sb.length() + comment.length() <= size) {
            sb.append(comment);
        }
        sb.append("#".repeat(size - sb.length()));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {UnitFile.MAX_BYTES - 1, UnitFile.MAX_BYTES})
    void upToOneMebibyteIsAccepted(int size) {
        byte[] bytes = unitOfSize(size);
        assertEquals(size, bytes.length);
        assertEquals(1, UnitFile.parse("a.service", bytes).options().size());
        assertEquals(1, UnitFile.parse("a.service", new String(bytes, StandardCharsets.US_ASCII)).options().size());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {UnitFile.MAX_BYTES + 1, UnitFile.MAX_BYTES + 5000})
    void overOneMebibyteIsRefused(int size) {
        byte[] bytes = unitOfSize(size);
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", bytes));
        assertEquals("the unit file is larger than 524288 bytes (512 KiB), the limit for a unit file", e.getMessage());
        assertEquals(0, e.problems().get(0).line());
        String text = new String(bytes, StandardCharsets.US_ASCII);
        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", text));
    }

    @Test
    void sizeIsCountedInUtf8BytesForStrings() {
        // Fewer characters than the limit, but more bytes: each 'é' is two bytes in UTF-8.
        StringBuilder big = new StringBuilder("[Unit]\nA=1\n");
        while (big.length() * 2 < UnitFile.MAX_BYTES + 10) {
            big.append('#').append("é".repeat(30000)).append('\n');
        }
        assertTrue(big.length() < UnitFile.MAX_BYTES);
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", big.toString()));
        assertTrue(e.getMessage().contains("larger than 524288 bytes"), e.getMessage());
    }

    static Stream<Arguments> lines() {
        int max = UnitFile.MAX_LINE_BYTES;
        return Stream.of(
                Arguments.of("ascii at the limit", "A=" + "x".repeat(max - 2), true),
                Arguments.of("ascii one over", "A=" + "x".repeat(max - 1), false),
                Arguments.of("two-byte chars at the limit", "A=" + "é".repeat((max - 2) / 2), true),
                Arguments.of("two-byte chars one over", "A=" + "é".repeat((max - 2) / 2) + "x", false),
                Arguments.of("four-byte chars over", "A=" + "🚀".repeat(max / 4), false),
                Arguments.of("a long comment is still a line", "#" + "x".repeat(max), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void aLineOver64KibIsRefusedWithItsLineNumber(String description, String line, boolean ok) {
        for (String eol : new String[] {"\n", "\r\n", "\r"}) {
            String text = "[Unit]\nB=1\n" + line + eol + "C=2\n";
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (ok) {
                assertEquals("B", UnitFile.parse("a.service", text).options().get(0).name());
                assertEquals("B", UnitFile.parse("a.service", bytes).options().get(0).name());
            } else {
                for (UnitFileException e : new UnitFileException[] {
                        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", text)),
                        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", bytes))}) {
                    assertEquals("line 3: the line is longer than 65536 bytes (64 KiB), the limit for one line",
                            e.getMessage());
                }
            }
        }
    }

    static Stream<Arguments> badUtf8() {
        return Stream.of(
                Arguments.of("lone continuation byte", new byte[] {(byte) 0x80}),
                Arguments.of("truncated two-byte sequence at the end", new byte[] {(byte) 0xC3}),
                Arguments.of("truncated sequence before ASCII", new byte[] {(byte) 0xE2, (byte) 0x82, 'x'}),
                Arguments.of("overlong '/'", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                Arguments.of("overlong NUL", new byte[] {(byte) 0xC0, (byte) 0x80}),
                Arguments.of("encoded surrogate (CESU-8)", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arguments.of("beyond U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                Arguments.of("0xFF", new byte[] {(byte) 0xFF}),
                Arguments.of("Latin-1 text", "üx".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUtf8")
    void invalidUtf8IsRefusedWithItsLine(String description, byte[] bad) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("[Unit]\r\nA=1\r\nDescription=".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bad);
        out.writeBytes("\nB=2\n".getBytes(StandardCharsets.US_ASCII));
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", out.toByteArray()));
        assertEquals(3, e.problems().get(0).line());
        assertTrue(e.getMessage().startsWith("line 3: the text is not valid UTF-8 (bad byte sequence at byte offset 25"),
                e.getMessage());
    }

    @Test
    void unpairedSurrogateInAStringIsRefused() {
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> UnitFile.parse("a.service", "[Unit]\nA=\uD800x\n"));
        assertEquals("line 2: the text is not valid UTF-8 (unpaired surrogate U+D800)", e.getMessage());
        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", "[Unit]\nA=x\uDC00"));
    }

    @Test
    void nulIsRefused() {
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> UnitFile.parse("a.service", "[Unit]\nA=1\0\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("line 2: the text contains a NUL character", e.getMessage());
        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", "[Unit]\nA=1\0\n"));
    }

    @Test
    void missingTextIsRefusedNotAnNpe() {
        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", (byte[]) null));
        assertThrows(UnitFileException.class, () -> UnitFile.parse("a.service", (String) null));
    }
}
