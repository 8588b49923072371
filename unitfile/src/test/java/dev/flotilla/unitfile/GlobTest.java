package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "''{0}'' vs ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', value = {
            "web.service        | web.service       | true",
            "web.service        | web.socket        | false",
            "web.service        | xweb.service      | false",
            "*                  | ''                | true",
            "*                  | anything@1.service| true",
            "web@*.service      | web@1.service     | true",
            "web@*.service      | web@.service      | true",
            "web@*.service      | web@1.socket      | false",
            "web@*.service      | db@1.service      | false",
            "web*               | web               | true",
            "web*               | we                | false",
            "*.service          | a.b.service       | true",
            "*.service          | a.service.x       | false",
            "a*b*c              | abc               | true",
            "a*b*c              | aXXbYYc           | true",
            "a*b*c              | aXXcYYb           | false",
            "a*b*c              | abcbc             | true",
            "*a*a*a*a*b         | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | false",
            "**x**              | abxcd             | true",
            "?                  | a                 | true",
            "?                  | ''                | false",
            "?                  | ab                | false",
            "web?.service       | web1.service      | true",
            "web?.service       | web12.service     | false",
            "db[0-9].service    | db7.service       | true",
            "db[0-9].service    | dbx.service       | false",
            "db[!0-9].service   | dbx.service       | true",
            "db[!0-9].service   | db7.service       | false",
            "db[^0-9].service   | db7.service       | false",
            "[abc]              | b                 | true",
            "[abc]              | d                 | false",
            "[a-cx-z]           | y                 | true",
            "[a-cx-z]           | m                 | false",
            "[]a]               | ]                 | true",
            "[!]a]              | ]                 | false",
            "[!]a]              | b                 | true",
            "[a-]               | -                 | true",
            "[*?]               | *                 | true",
            "[*?]               | x                 | false",
            "\\*                | *                 | true",
            "\\*                | a                 | false",
            "a\\?               | a?                | true",
            "a\\?               | ab                | false",
            "foo\\\\x2dbar.mount | foo\\x2dbar.mount | true",
            "x%y                | x%y               | true",
    })
    void shellStyleMatching(String pattern, String name, boolean expected) {
        assertEquals(expected, Glob.compile(pattern).matches(name));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "web[.service   | '[' at position 4 is not closed by ']'",
            "[              | '[' at position 1 is not closed by ']'",
            "[]             | '[' at position 1 is not closed by ']'",
            "[!]            | '[' at position 1 is not closed by ']'",
            "a\\            | it ends with a lone '\\'",
            "[a\\           | '[' at position 1 is not closed by ']'",
    })
    void malformedPatterns(String pattern, String reason) {
        UnitFileException e = assertThrows(UnitFileException.class, () -> Glob.compile(pattern));
        assertTrue(e.getMessage().endsWith(reason), e.getMessage());
    }

    @Test
    void equalityIsByPattern() {
        assertEquals(Glob.compile("a*"), Glob.compile("a*"));
        assertEquals(Glob.compile("a*").hashCode(), Glob.compile("a*").hashCode());
        assertNotEquals(Glob.compile("a*"), Glob.compile("a?"));
        assertEquals("a*", Glob.compile("a*").pattern());
        assertEquals("a*", Glob.compile("a*").toString());
    }

    @Test
    @Timeout(60) // a guard against a hang, not a speed claim: linear takes milliseconds, exponential never ends
    void longNamesAgainstManyStarsStayFast() {
        // The single-backtrack matcher is O(pattern * name) at worst; a regex engine can be exponential here.
        Glob g = Glob.compile("*a*a*a*a*a*a*a*a*a*a*b");
        String name = "a".repeat(5000);
        for (int i = 0; i < 10; i++) {
            assertEquals(false, g.matches(name));
        }
        assertTrue(Glob.compile("*a*a*a*a*a*a*a*a*a*a*b").matches(name + "b"));
    }
}
