package dev.flotilla.api.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessTokensTest {
    private static final String T1 = "0123456789abcdef0";
    private static final String T2 = "fedcba9876543210f";

    @TempDir
    Path dir;

    @Test
    void linesGiveTokensWithAccessAndName() {
        AccessTokens t = AccessTokens.parse("f", List.of("# c", "", T1 + " rw deploy bot", "  " + T2 + "\tro"));
        assertEquals(Optional.of(new AccessTokens.Token("deploy bot", true)), t.find(T1));
        assertEquals(Optional.of(new AccessTokens.Token("line 4", false)), t.find(T2));
        assertEquals(Optional.empty(), t.find(T1 + "x"));
        assertEquals(Optional.empty(), t.find(""));
    }

    @Test
    void badLinesAreRefusedWithFileAndLine() {
        assertMessage("f:2: expected <token> <ro|rw> [name]", List.of("# c", T1));
        assertMessage("f:1: access must be ro or rw, not 'admin'", List.of(T1 + " admin"));
        assertMessage("f:1: a token needs at least 16 characters", List.of("short rw"));
        assertMessage("f:2: the same token as 'a'", List.of(T1 + " rw a", T1 + " ro b"));
    }

    private static void assertMessage(String start, List<String> lines) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessTokens.parse("f", lines));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    @Test
    void aFileOthersCanReadIsRefused() throws IOException {
        Path f = dir.resolve("tokens");
        Files.writeString(f, T1 + " rw\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessTokens.load(f));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        assertEquals(1, AccessTokens.load(f).size());
    }
}
