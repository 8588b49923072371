package dev.flotilla.registry;

import dev.flotilla.model.DesiredState;
import dev.flotilla.model.UnitRecord;
import dev.flotilla.unitfile.UnitFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The realistic texts every benchmark and size test uses: of the size the issue asks, and valid units. */
class RealisticUnitsTest {
    @Test
    void theMixIsOfRealisticSizeParsesAndKeepsItsShares() {
        List<UnitRecord> units = RealisticUnits.mix(0, 2000, DesiredState.LAUNCHED);
        for (UnitRecord u : units) {
            int bytes = u.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertTrue(bytes >= RealisticUnits.MIN_BYTES && bytes <= RealisticUnits.MAX_BYTES, u.name() + ": " + bytes + " bytes");
            assertEquals(u.hash(), UnitFile.parse(u.name(), u.text()).hash(), u.name());
            assertTrue(u.text().contains("\n[X-Fleet]\n") && u.text().contains("ExecStartPre=") && u.text().contains("Restart="), u.name());
        }
        assertEquals(100, units.stream().filter(u -> u.name().startsWith("solo-")).count());
        assertEquals(200, units.stream().filter(u -> u.name().startsWith("side-")).count());
        assertEquals(units.get(37), RealisticUnits.mixed(37, DesiredState.LAUNCHED), "reproducible from the index");
    }

    @Test
    void seededUnitsAreOfRealisticSizeAndParse() {
        for (UnitRecord u : RealisticUnits.of("shop", 500, 7)) {
            assertTrue(u.text().length() >= RealisticUnits.MIN_BYTES && u.text().length() <= RealisticUnits.MAX_BYTES, u.name());
            UnitFile.parse(u.name(), u.text());
        }
    }
}
