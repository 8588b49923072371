package dev.flotilla.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnitPathsTest {

    @Test
    void escapesLikeSystemd() {
        assertEquals("/org/freedesktop/systemd1/unit/hello_401_2eservice", UnitPaths.path("hello@1.service"));
        assertEquals("/org/freedesktop/systemd1/unit/dbus_2eservice", UnitPaths.path("dbus.service"));
        assertEquals("/org/freedesktop/systemd1/unit/_31abc_2eservice", UnitPaths.path("1abc.service"));
        assertEquals("/org/freedesktop/systemd1/unit/a_2db_5fc_5c_2dx_2eservice", UnitPaths.path("a-b_c\\-x.service"));
        assertEquals("/org/freedesktop/systemd1/unit/_", UnitPaths.path(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello@1.service", "1abc.service", "web@a:b.service", "sys-devices-x.device",
        "-.mount", "foo\\x2dbar.service", "ünïcode.service", ""})
    void roundTrips(String name) {
        assertEquals(Optional.of(name), UnitPaths.unitName(UnitPaths.path(name)));
    }

    @Test
    void rejectsOtherPaths() {
        assertTrue(UnitPaths.unitName("/org/freedesktop/systemd1").isEmpty());
        assertTrue(UnitPaths.unitName("/org/freedesktop/systemd1/job/42").isEmpty());
        assertTrue(UnitPaths.unitName("/org/freedesktop/systemd1/unit/").isEmpty());
        assertTrue(UnitPaths.unitName("/org/freedesktop/systemd1/unit/a_2").isEmpty());
        assertTrue(UnitPaths.unitName("/org/freedesktop/systemd1/unit/a_zz").isEmpty());
        assertTrue(UnitPaths.unitName(null).isEmpty());
    }
}
