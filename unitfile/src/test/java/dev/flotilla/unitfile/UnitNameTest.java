package dev.flotilla.unitfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitNameTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // name                 | suffix    | prefix  | instance | withoutSuffix | template | instance?
            "web.service            | service   | web     |          | web           | false    | false",
            "web@.service           | service   | web     |          | web@          | true     | false",
            "web@1.service          | service   | web     | 1        | web@1         | false    | true",
            "a.b.socket             | socket    | a.b     |          | a.b           | false    | false",
            "web@1.2.3.timer        | timer     | web     | 1.2.3    | web@1.2.3     | false    | true",
            "x@a@b.path             | path      | x       | a@b      | x@a@b         | false    | true",
            "dev-sda1.device        | device    | dev-sda1|          | dev-sda1      | false    | false",
            "foo\\x2dbar.mount      | mount     | foo\\x2dbar |      | foo\\x2dbar   | false    | false",
            "Cap_1:2.target         | target    | Cap_1:2 |          | Cap_1:2       | false    | false",
    })
    void validNamesAndTheirParts(String name, String suffix, String prefix, String instance, String withoutSuffix,
                                 boolean template, boolean isInstance) {
        UnitName n = UnitName.parse(name);
        assertEquals(name, n.value());
        assertEquals(suffix, n.suffix());
        assertEquals(prefix, n.prefix());
        assertEquals(instance == null ? "" : instance, n.instance());
        assertEquals(withoutSuffix, n.nameWithoutSuffix());
        assertEquals(template, n.isTemplate());
        assertEquals(isInstance, n.isInstance());
        assertTrue(UnitName.isValid(name));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"automount", "busname", "device", "mount", "path", "scope", "service", "slice",
            "snapshot", "socket", "swap", "target", "timer"})
    void everyKnownSuffixIsAccepted(String suffix) {
        assertEquals(suffix, UnitName.parse("unit." + suffix).suffix());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "''                   | unit name is empty",
            "web                  | has no suffix",
            "web.txt              | unknown suffix '.txt'",
            "web.Service          | unknown suffix '.Service'",
            "web.service.         | unknown suffix '.'",
            "@web.service         | must not start with '@'",
            "web@1.mount          | must end in .path, .service, .socket, .target or .timer",
            "web@.device          | must end in .path, .service, .socket, .target or .timer",
            "we b.service         | contains the character U+0020",
            "web!.service         | contains '!'",
            "wéb.service          | contains 'é'",
            "a/b.service          | contains '/'",
            "../etc.service       | contains '/'",
            ".service             | must not start with '.'",
            ".hidden.service      | must not start with '.'",
            "a..service           | must not contain '..'",
            "web@...service       | must not contain '..'",
    })
    void invalidNamesAreRefusedWithTheReason(String name, String reason) {
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitName.parse(name));
        assertEquals(1, e.problems().size());
        assertEquals(0, e.problems().get(0).line());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(UnitName.isValid(name));
    }

    /** systemd's UNIT_NAME_MAX is 256 with the NUL, and a file name (NAME_MAX) has at most 255 bytes. */
    @Test
    void lengthLimitIs255Characters() {
        assertEquals(255, UnitName.MAX_LENGTH);
        String ok = "a".repeat(255 - ".service".length()) + ".service";
        assertEquals(255, UnitName.parse(ok).value().length());
        for (int length = 256; length <= 258; length++) {
            String name = "a".repeat(length - ".service".length()) + ".service";
            UnitFileException e = assertThrows(UnitFileException.class, () -> UnitName.parse(name));
            assertTrue(e.getMessage().contains("is " + length + " characters; at most 255"), e.getMessage());
            assertFalse(UnitName.isValid(name));
        }
    }

    @Test
    void aTemplateLeavesRoomForAnInstance() {
        String longest = "a".repeat(254 - "@.service".length()) + "@.service";
        assertEquals(254, longest.length());
        assertEquals(255, UnitName.parse(longest).instantiate("1").value().length());
        String tooLong = "a" + longest;
        UnitFileException e = assertThrows(UnitFileException.class, () -> UnitName.parse(tooLong));
        assertTrue(e.getMessage().contains("is 255 characters; at most 254"), e.getMessage());
    }

    @Test
    void anInstanceOverTheLimitIsRefusedNamingItsLength() {
        String template = "a".repeat(200) + "@.service";
        assertEquals(255, UnitName.parse(template).instantiate("b".repeat(46)).value().length());
        UnitFileException e = assertThrows(UnitFileException.class,
                () -> UnitName.parse(template).instantiate("b".repeat(47)));
        assertTrue(e.getMessage().contains("makes a unit name of 256 characters; at most 255"), e.getMessage());
    }

    @Test
    void controlCharactersAndNullAreRefused() {
        assertThrows(UnitFileException.class, () -> UnitName.parse("we\nb.service"));
        assertThrows(UnitFileException.class, () -> UnitName.parse("we\u0000b.service"));
        assertThrows(UnitFileException.class, () -> UnitName.parse(null));
        assertThrows(UnitFileException.class, () -> new UnitName("no-suffix"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "foo, foo.service",
            "foo@, foo@.service",
            "foo@1, foo@1.service",
            "foo.service, foo.service",
            "foo.socket, foo.socket",
            "foo@1.timer, foo@1.timer",
            "foo.bar, foo.bar.service",
            "foo.Service, foo.Service.service",
            "a.b.c, a.b.c.service",
    })
    void defaultSuffixIsServiceUnlessAKnownSuffixIsPresent(String given, String expected) {
        assertEquals(expected, UnitName.withDefaultSuffix(given));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "web@1.service, web@.service",
            "web@a.b.socket, web@.socket",
            "web@.service, web@.service",
    })
    void templateOfAnInstance(String name, String template) {
        assertEquals(UnitName.parse(template), UnitName.parse(name).template());
    }

    @Test
    void plainNameHasNoTemplate() {
        assertThrows(UnitFileException.class, () -> UnitName.parse("web.service").template());
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
            "web@.service, 1, web@1.service",
            "web@.timer, a-b_c:d, web@a-b_c:d.timer",
            "db@.socket, x.y, db@x.y.socket",
    })
    void instantiateATemplate(String template, String instance, String expected) {
        UnitName made = UnitName.parse(template).instantiate(instance);
        assertEquals(expected, made.value());
        assertTrue(made.isInstance());
        assertEquals(instance, made.instance());
        assertEquals(UnitName.parse(template), made.template());
    }

    @ParameterizedTest(name = "{0} + ''{1}''")
    @CsvSource({
            "web.service, 1",
            "web@1.service, 2",
            "web@.service, ''",
            "web@.service, a/b",
            "web@.service, ..",
            "web@.service, a b",
    })
    void badInstantiationsAreRefused(String name, String instance) {
        assertThrows(UnitFileException.class, () -> UnitName.parse(name).instantiate(instance));
    }
}
