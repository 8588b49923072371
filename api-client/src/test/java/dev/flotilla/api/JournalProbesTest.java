package dev.flotilla.api;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The NUL bytes a daemon writes into a quiet followed journal never reach the client's output. */
class JournalProbesTest {
    @Test
    void nulBytesAreDropped() {
        byte[] buf = "\0line 1\n\0\0line 2\n\0".getBytes(StandardCharsets.UTF_8);
        int kept = HttpFlotillaClient.withoutProbes(buf, buf.length);
        assertEquals("line 1\nline 2\n", new String(buf, 0, kept, StandardCharsets.UTF_8));
        byte[] probes = {0, 0};
        assertEquals(0, HttpFlotillaClient.withoutProbes(probes, 2));
    }
}
