package dev.flotilla.flotd;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalPriorityStreamTest {
    @Test
    void levelsBecomeSyslogPrioritiesAndContinuationLinesKeepTheirs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JournalPriorityStream err = new JournalPriorityStream(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        err.println("[INFO] Flotd - joined");
        err.println("[WARN] Flotd - slow");
        err.println("[ERROR] Flotd - failed");
        new IllegalStateException("boom").printStackTrace(err);
        err.println("[DEBUG] Flotd - two\nlines");
        err.println("[TRACE] x");
        err.println("plain");
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("<6>[INFO] Flotd - joined", lines[0]);
        assertEquals("<4>[WARN] Flotd - slow", lines[1]);
        assertEquals("<3>[ERROR] Flotd - failed", lines[2]);
        assertEquals("<3>java.lang.IllegalStateException: boom", lines[3]);
        assertTrue(lines[4].startsWith("<3>\tat "), lines[4]);
        int debug = java.util.Arrays.asList(lines).indexOf("<7>[DEBUG] Flotd - two");
        assertEquals("<7>lines", lines[debug + 1]);
        assertEquals("<7>[TRACE] x", lines[debug + 2]);
        assertEquals("<7>plain", lines[debug + 3]);
    }
}
