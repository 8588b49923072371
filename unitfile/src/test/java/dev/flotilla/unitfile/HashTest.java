package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HashTest {

    @ParameterizedTest(name = "hashOf({0})")
    @CsvSource({
            // Published SHA-1 test vectors (FIPS 180 "abc", and the empty string).
            "'', da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "abc, a9993e364706816aba3e25717850c26c9cd0d89d",
    })
    void sha1OfTheTextInLowercaseHex(String text, String sha1) {
        assertEquals(sha1, UnitFile.hashOf(text));
        assertEquals(sha1, UnitFile.hashOf(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void hashIsOverTheExactBytes() {
        String text = "[Unit]\r\nDescription=Grüße\r\n";
        UnitFile fromString = UnitFile.parse("a.service", text);
        UnitFile fromBytes = UnitFile.parse("a.service", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(fromString.hash(), fromBytes.hash());
        assertEquals(40, fromString.hash().length());
        assertEquals(fromString.hash(), fromString.hash().toLowerCase());
        // A comment or a line break changes the installed file, so it changes the hash.
        assertNotEquals(fromString.hash(), UnitFile.parse("a.service", text.replace("\r\n", "\n")).hash());
        assertNotEquals(fromString.hash(), UnitFile.parse("a.service", "# c\n" + text).hash());
        // The name is not part of the hash (fleet hashed the text only).
        assertEquals(fromString.hash(), UnitFile.parse("b.service", text).hash());
    }

    @Test
    void knownUnitHash() {
        // Computed independently: printf '[Service]\nExecStart=/bin/true\n' | sha1sum
        assertEquals("86943ac9f3754cb90f8dd38bf6da7b0cad074592",
                UnitFile.parse("a.service", "[Service]\nExecStart=/bin/true\n").hash());
    }
}
