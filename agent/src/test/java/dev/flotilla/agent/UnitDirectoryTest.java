package dev.flotilla.agent;

import dev.flotilla.unitfile.UnitFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitDirectoryTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"../evil.service", "a/b.service", "..service", ".hidden.service", "", "noext", "/etc/passwd",
            "x/../../y.service", "a.service/", "a\u0000.service"})
    void namesThatAreNoUnitNamesOrLeaveTheFolderAreRefused(String name) throws IOException {
        UnitDirectory dir = new UnitDirectory(tmp.resolve("units"));
        dir.create();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dir.write(name, "[Service]\n"));
        assertTrue(e.getMessage().contains("refusing unit file name"), e.getMessage());
        try (var files = Files.walk(tmp)) {
            assertEquals(2, files.count(), "nothing written anywhere"); // tmp and units/
        }
    }

    /** The longest unit name is also the longest file name (255 bytes): the temporary file must fit as well. */
    @Test
    void theLongestUnitNameIsWrittenAndOneLongerIsRefusedBeforeWriting() throws IOException {
        UnitDirectory dir = new UnitDirectory(tmp.resolve("units"));
        dir.create();
        String longest = "a".repeat(dev.flotilla.unitfile.UnitName.MAX_LENGTH - ".service".length()) + ".service";
        dir.write(longest, "[Service]\n");
        dir.write(longest, "[Service]\nExecStart=/bin/true\n");
        assertEquals(Map.of(longest, UnitFile.hashOf("[Service]\nExecStart=/bin/true\n")), dir.scan());
        try (var files = Files.list(tmp.resolve("units"))) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        String tooLong = "a" + longest;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dir.write(tooLong, "[Service]\n"));
        assertTrue(e.getMessage().contains("at most 255"), e.getMessage());
        try (var files = Files.list(tmp.resolve("units"))) {
            assertEquals(1, files.count(), "nothing written for the refused name");
        }
    }

    @Test
    void writesAtomicallyReadableByAllAndScansBackWithTheClusterHash() throws IOException {
        UnitDirectory dir = new UnitDirectory(tmp.resolve("units"));
        dir.create();
        String text = "[Service]\nExecStart=/bin/echo hé\n";
        dir.write("a.service", text);
        dir.write("a.service", text); // rewrite replaces
        Path f = tmp.resolve("units/a.service");
        assertEquals(text, Files.readString(f));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals(Map.of("a.service", UnitFile.hashOf(text)), dir.scan());
        assertEquals(dev.flotilla.unitfile.UnitFile.parse("a.service", text).hash(), UnitFile.hashOf(text),
                "the same SHA-1 the cluster keeps for the text");

        dir.remove("a.service");
        dir.remove("a.service"); // idempotent
        assertEquals(Map.of(), dir.scan());
    }

    @Test
    void scanDeletesHalfWrittenFilesAndIgnoresForeignOnes() throws IOException {
        UnitDirectory dir = new UnitDirectory(tmp.resolve("units"));
        dir.create();
        Files.writeString(tmp.resolve("units/.tmp-a.service"), "[Serv");
        Files.writeString(tmp.resolve("units/README"), "not a unit");
        Files.createSymbolicLink(tmp.resolve("units/link.service"), tmp.resolve("elsewhere.service"));
        Files.writeString(tmp.resolve("units/b.service"), "[Service]\n");
        assertEquals(Map.of("b.service", UnitFile.hashOf("[Service]\n")), dir.scan());
        assertFalse(Files.exists(tmp.resolve("units/.tmp-a.service")));
        assertTrue(Files.exists(tmp.resolve("units/README")), "foreign files are left alone");
    }

    @Test
    void aFolderThatIsASymlinkOrAFileIsRefused() throws IOException {
        Files.createDirectories(tmp.resolve("real"));
        Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("real"));
        assertThrows(IOException.class, () -> new UnitDirectory(tmp.resolve("link")).create());
        Files.writeString(tmp.resolve("file"), "");
        assertThrows(IOException.class, () -> new UnitDirectory(tmp.resolve("file")).create());
    }
}
