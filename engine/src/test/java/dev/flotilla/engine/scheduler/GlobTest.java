package dev.flotilla.engine.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "web.service|web.service|true",
            "web.service|web.services|false",
            "web*|web.1.service|true",
            "web*|db.service|false",
            "*|anything.service|true",
            "*.service|a.service|true",
            "*.service|a.socket|false",
            "*a*b*c|xxaxxbxxc|true",
            "*a*b*c|xxaxxcxxb|false",
            "conflict.?.service|conflict.3.service|true",
            "conflict.?.service|conflict.13.service|false",
            "db.[abc].service|db.b.service|true",
            "db.[abc].service|db.d.service|false",
            "db.[a-c].service|db.c.service|true",
            "db.[!a-c].service|db.c.service|false",
            "db.[!a-c].service|db.x.service|true",
            "db.[^x].service|db.y.service|true",
            "db.[]x].service|db.].service|true",
            "db.[a-].service|db.-.service|true",
            "web\\*|web*|true",
            "web\\*|webx|false",
            "web.[|web.[|false",
            "web\\|web\\|false",
            "''|''|true",
            "''|a|false",
            "a**b|ab|true",
    })
    void matchesLikeAShell(String pattern, String name, boolean expected) {
        assertEquals(expected, Glob.matches(pattern, name));
    }
}
